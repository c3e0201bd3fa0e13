#include "args.hpp"

#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/related.hpp"

namespace funnel::cli {

Date parse_date_option(std::string_view option, const std::string& value, Date today) {
    return parse_option(option, value,
                        [&](const std::string& text) { return parse_date(text, today); });
}

void require_range(std::string_view from_option, Date from, std::string_view to_option, Date to) {
    if (to < from)
        throw invalid_input(fmt::format("invalid {} {}: it comes before {} {}", to_option,
                                        format_date(to), from_option, format_date(from)));
}

std::int64_t parse_amount_option(std::string_view option, const std::string& value,
                                 const Currency& currency) {
    return parse_option(option, value, [&](const std::string& text) {
        return parse_amount(text, currency.digits());
    });
}

Currency parse_currency_option(std::string_view option, const std::string& value) {
    return parse_option(option, value,
                        [](const std::string& text) { return Currency::parse(text); });
}

namespace {
std::optional<std::int64_t> whole_number(std::string_view text, std::int64_t max) {
    text = trim(text);
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > max) return std::nullopt;
    return value;
}
}  // namespace

int parse_probability_option(std::string_view option, const std::string& value) {
    return parse_option(option, value, [](const std::string& text) {
        std::string_view digits = trim(text);
        if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
        const auto number = whole_number(digits, 100);
        if (!number) throw invalid_input("expected a whole number from 0 to 100");
        return static_cast<int>(*number);
    });
}

std::int64_t parse_count_option(std::string_view option, const std::string& value) {
    return parse_option(option, value, [](const std::string& text) {
        const auto number = whole_number(text, 1'000'000'000);
        if (!number || *number == 0) throw invalid_input("expected a positive whole number");
        return *number;
    });
}

const Stage& parse_stage_option(const std::vector<Stage>& stages, std::string_view option,
                                const std::string& value) {
    return parse_option(option, value, [&](const std::string& text) -> const Stage& {
        return resolve_stage(stages, text);
    });
}

std::int64_t parse_dwell_option(std::string_view option, const std::string& value) {
    return parse_option(option, value, [](const std::string& text) -> std::int64_t {
        if (trim(text) == "0") return 0;
        return std::int64_t(parse_duration(text)) * 60;
    });
}

std::int64_t parse_id(std::string_view what, const std::string& value) {
    const auto number = whole_number(value, 999'999'999'999'999'999);
    if (!number || *number == 0)
        throw invalid_input(fmt::format("invalid {} id {}: expected a positive whole number", what,
                                        in_quotes(value)));
    return *number;
}

std::string text_option(std::string_view option, const std::string& value, TextKind kind) {
    return checked_text(option, value, kind);
}

}  // namespace funnel::cli
