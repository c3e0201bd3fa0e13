#include "funnel/domain/related.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {
template <typename Enum, std::size_t N>
Enum parse_word(std::string_view text, const std::pair<std::string_view, Enum> (&words)[N],
                const char* expected) {
    const std::string word = ascii_lower(trim(text));
    for (const auto& [name, value] : words)
        if (name == word) return value;
    throw invalid_input(expected);
}

template <typename Enum, std::size_t N>
std::string_view word_of(Enum value, const std::pair<std::string_view, Enum> (&words)[N]) {
    for (const auto& [name, candidate] : words)
        if (candidate == value) return name;
    return words[0].first;
}

constexpr std::pair<std::string_view, QuoteStatus> quote_statuses[] = {
    {"draft", QuoteStatus::draft},       {"sent", QuoteStatus::sent},
    {"accepted", QuoteStatus::accepted}, {"rejected", QuoteStatus::rejected},
    {"expired", QuoteStatus::expired},
};
constexpr std::pair<std::string_view, ProductKind> product_kinds[] = {
    {"product", ProductKind::product}, {"service", ProductKind::service}};
constexpr std::pair<std::string_view, ActivityType> activity_types[] = {
    {"call", ActivityType::call},
    {"meeting", ActivityType::meeting},
    {"task", ActivityType::task},
    {"email", ActivityType::email},
};
}  // namespace

std::string parse_contact_role(std::string_view text) {
    static constexpr std::string_view roles[] = {
        "decision-maker", "economic-buyer", "evaluator", "influencer", "champion", "user", "other"};
    std::string word = ascii_lower(trim(text));
    for (char& c : word)
        if (c == '_' || c == ' ') c = '-';
    for (auto role : roles)
        if (role == word) return word;
    throw invalid_input(
        "expected decision-maker, economic-buyer, evaluator, influencer, champion, user or other");
}

std::string_view to_string(QuoteStatus status) {
    return word_of(status, quote_statuses);
}
QuoteStatus parse_quote_status(std::string_view text) {
    return parse_word(text, quote_statuses, "expected draft, sent, accepted, rejected or expired");
}

bool looks_like_url(std::string_view text) {
    const auto colon = text.find("://");
    if (colon == std::string_view::npos || colon == 0 || colon + 3 == text.size()) return false;
    for (char c : text.substr(0, colon))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.'))
            return false;
    return true;
}

std::string_view to_string(ProductKind kind) {
    return word_of(kind, product_kinds);
}
ProductKind parse_product_kind(std::string_view text) {
    return parse_word(text, product_kinds, "expected product or service");
}

std::int64_t line_total(std::int64_t quantity_milli, std::int64_t unit_price,
                        std::int64_t discount_bp, int digits) {
    const __int128 numerator = __int128(quantity_milli) * unit_price * (10'000 - discount_bp);
    const __int128 denominator = __int128(1000) * 10'000;
    const __int128 total = (numerator * 2 + denominator) / (denominator * 2);
    if (total > max_amount_minor(digits))
        throw invalid_input(fmt::format("the line comes to more than the largest amount ({})",
                                        format_units(max_amount_major, 0, Grouping::thousands)));
    return std::int64_t(total);
}

std::int64_t parse_quantity(std::string_view text) {
    std::int64_t quantity = 0;
    try {
        quantity = parse_amount(text, 3);
    } catch (const Error&) {
        throw invalid_input("expected a quantity like 3, 2.5 or 0.125");
    }
    if (quantity == 0) throw invalid_input("a quantity is more than zero");
    if (quantity > 1'000'000'000'000) throw invalid_input("too large (at most a billion)");
    return quantity;
}

std::int64_t parse_discount(std::string_view input) {
    std::string_view text = trim(input);
    if (!text.empty() && text.back() == '%') text.remove_suffix(1);
    std::int64_t discount = 0;
    try {
        discount = parse_amount(text, 2);
    } catch (const Error&) {
        throw invalid_input("expected a percentage from 0 to 100, like 10 or 12.5");
    }
    if (discount > 10'000)
        throw invalid_input("expected a percentage from 0 to 100, like 10 or 12.5");
    return discount;
}

std::string format_quantity(std::int64_t quantity_milli) {
    return format_plain_number(quantity_milli, 3);
}

std::string_view to_string(ActivityType type) {
    return word_of(type, activity_types);
}
ActivityType parse_activity_type(std::string_view text) {
    return parse_word(text, activity_types, "expected call, meeting, task or email");
}

std::string format_minute(int minute) {
    return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

Due parse_due(std::string_view input, Date today) {
    const std::string_view text = trim(input);
    // A time at the end: "... HH:MM" or "...THH:MM".
    const auto split = text.find_last_of(" T");
    if (split != std::string_view::npos && text.size() - split - 1 == 5 && text[split + 3] == ':') {
        const std::string_view time = text.substr(split + 1);
        const auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (digit(time[0]) && digit(time[1]) && digit(time[3]) && digit(time[4])) {
            const int hour = (time[0] - '0') * 10 + (time[1] - '0');
            const int minute = (time[3] - '0') * 10 + (time[4] - '0');
            if (hour > 23 || minute > 59)
                throw invalid_input(fmt::format("{} is not a time of day", time));
            return {parse_date(text.substr(0, split), today), hour * 60 + minute};
        }
    }
    return {parse_date(text, today), std::nullopt};
}

int parse_duration(std::string_view input) {
    const std::string text = ascii_lower(trim(input));
    const char* const hint = "expected a duration like 30m, 1h, 1h30m or 90 (minutes)";
    if (text.empty()) throw invalid_input(hint);
    long long minutes = 0, number = 0;
    bool digits = false, any_unit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            number = number * 10 + (c - '0');
            digits = true;
            if (number > 100'000) throw invalid_input(hint);
        } else if ((c == 'h' || c == 'm') && digits) {
            minutes += c == 'h' ? number * 60 : number;
            number = 0;
            digits = false;
            any_unit = true;
        } else {
            throw invalid_input(hint);
        }
    }
    if (digits) {
        if (any_unit) throw invalid_input(hint);  // "1h30" is ambiguous
        minutes += number;
    }
    if (minutes < 1 || minutes > 7 * 24 * 60) throw invalid_input("expected 1 minute to 7 days");
    return int(minutes);
}

}  // namespace funnel
