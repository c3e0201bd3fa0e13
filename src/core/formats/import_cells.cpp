// The cells of an import: dates in a --date-format, timestamps, amounts, probabilities, deal
// types.
#include "funnel/formats/import.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

namespace {

// A number of 1 to `max_digits` digits at `at`; advances past it.
std::optional<int> read_number(std::string_view text, std::size_t& at, std::size_t max_digits) {
    std::size_t digits = 0;
    int value = 0;
    while (at < text.size() && digits < max_digits && text[at] >= '0' && text[at] <= '9') {
        value = value * 10 + (text[at] - '0');
        ++at;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
}

constexpr std::string_view month_abbreviations[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                    "jul", "aug", "sep", "oct", "nov", "dec"};

std::string date_expectation(std::string_view format) {
    if (format.empty()) return "expected YYYY-MM-DD (give --date-format for another form)";
    return fmt::format("expected a date in the form {}", format);
}

// What may follow a date: nothing, or a time after a space or 'T'.
bool only_time_follows(std::string_view text, std::size_t at) {
    return at == text.size() || text[at] == ' ' || text[at] == 'T';
}

// The time after a date that ends at `at`, when one follows: never dropped when malformed.
std::optional<std::string> time_after(std::string_view text, std::size_t at) {
    if (at >= text.size()) return std::nullopt;
    return parse_time_of_day(text.substr(at + 1));
}

}  // namespace

void validate_date_format(std::string_view format) {
    bool year = false, month = false, day = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') continue;
        if (i + 1 == format.size())
            throw invalid_input("a % at the end; use %Y, %y, %m, %d, %b or %%");
        switch (format[++i]) {
            case 'Y':
            case 'y':
                year = true;
                break;
            case 'm':
            case 'b':
                month = true;
                break;
            case 'd':
                day = true;
                break;
            case '%':
                break;
            default:
                throw invalid_input(
                    fmt::format("unknown %{}; use %Y, %y, %m, %d, %b or %%", format[i]));
        }
    }
    if (!year || !month || !day)
        throw invalid_input("a format needs a year (%Y or %y), a month (%m or %b) and a day (%d)");
}

namespace {

// The date at the start of `text` in `format` (ISO 8601 when empty); `end` is where it ends.
Date date_in_format(std::string_view text, std::string_view format, std::size_t& end) {
    if (format.empty()) {
        if (text.size() >= 10 && only_time_follows(text, 10)) {
            const std::string_view day = text.substr(0, 10);
            if (auto date = parse_iso_date(day)) {
                end = 10;
                return checked_date(*date);
            }
            bool shaped = day[4] == '-' && day[7] == '-';
            for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
                shaped = shaped && day[i] >= '0' && day[i] <= '9';
            if (shaped) throw invalid_input("no such day");
        }
        throw invalid_input(date_expectation(format));
    }
    int year = -1, month = -1, day = -1;
    std::size_t at = 0;
    for (std::size_t f = 0; f < format.size(); ++f) {
        if (format[f] != '%' || f + 1 == format.size()) {
            if (at >= text.size() || text[at] != format[f])
                throw invalid_input(date_expectation(format));
            ++at;
            continue;
        }
        const char spec = format[++f];
        std::optional<int> number;
        switch (spec) {
            case 'Y':
                number = read_number(text, at, 4);
                year = number.value_or(-1);
                break;
            case 'y':
                number = read_number(text, at, 2);
                if (number) year = *number < 69 ? 2000 + *number : 1900 + *number;
                break;
            case 'm':
                number = read_number(text, at, 2);
                month = number.value_or(-1);
                break;
            case 'd':
                number = read_number(text, at, 2);
                day = number.value_or(-1);
                break;
            case 'b':
                for (int m = 0; m < 12 && !number; ++m)
                    if (text.size() >= at + 3 &&
                        ascii_lower(text.substr(at, 3)) == month_abbreviations[m]) {
                        number = m + 1;
                        at += 3;
                    }
                month = number.value_or(-1);
                break;
            default:  // %%
                number = 0;
                if (at >= text.size() || text[at] != '%')
                    throw invalid_input(date_expectation(format));
                ++at;
        }
        if (!number) throw invalid_input(date_expectation(format));
    }
    if (!only_time_follows(text, at) || year < 0 || month < 0 || day < 0)
        throw invalid_input(date_expectation(format));
    const Date date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                    std::chrono::day(unsigned(day))};
    if (!date.ok()) throw invalid_input(fmt::format("no such day ({})", date_expectation(format)));
    end = at;
    return checked_date(date);
}

}  // namespace

void DateFormatGuess::see(std::string_view cell) {
    if (settled()) return;
    std::string_view text = trim(cell);
    text = text.substr(0, text.find_first_of(" T"));
    // A file whose dates begin as YYYY-MM-DD writes them so: any other is that row's error.
    if (undecided_.empty() && text.size() == 10 && text[4] == '-' && text[7] == '-') {
        iso_ = true;
        return;
    }
    // D?D sep M?M sep YY(YY), either way round; separators / . or -.
    std::size_t at = 0;
    const auto number = [&](std::size_t most) {
        const std::size_t from = at;
        while (at < text.size() && at - from < most && text[at] >= '0' && text[at] <= '9')
            ++at;
        return at == from ? -1 : std::stoi(std::string(text.substr(from, at - from)));
    };
    const int first = number(2);
    if (first < 0 || at >= text.size()) return;
    const char separator = text[at++];
    if (separator != '/' && separator != '.' && separator != '-') return;
    const int second = number(2);
    if (second < 0 || at >= text.size() || text[at++] != separator) return;
    const std::size_t year_from = at;
    if (number(4) < 0 || at != text.size()) return;
    const std::size_t year_digits = at - year_from;
    if (year_digits != 2 && year_digits != 4) return;
    if (first < 1 || second < 1 || (first > 12 && second > 12)) return;  // not a date
    const std::string year = year_digits == 4 ? "%Y" : "%y";
    if (first > 12)
        format_ = fmt::format("%d{0}%m{0}{1}", separator, year);
    else if (second > 12)
        format_ = fmt::format("%m{0}%d{0}{1}", separator, year);
    else if (undecided_.empty())
        undecided_ = std::string(text);
}

Date parse_date_in_format(std::string_view text, std::string_view format) {
    text = trim(text);
    std::size_t end = 0;
    const Date date = date_in_format(text, format, end);
    time_after(text, end);  // a time may follow, but not a malformed one
    return date;
}

Timestamp parse_timestamp_in_format(std::string_view text, std::string_view format) {
    text = trim(text);
    std::size_t end = 0;
    const Date date = date_in_format(text, format, end);
    // The time after the date is kept (any zone taken as written); a date alone is its start.
    if (const auto time = time_after(text, end)) return format_date(date) + "T" + *time;
    return timestamp_at_start_of(date);
}

std::int64_t parse_amount_cell(std::string_view text, int digits, bool* rounded) {
    const char* const expected = "expected an amount such as 12000, 12000.50 or 12,000.50";
    // A currency code before or after the number ("USD 1200", "1200 EUR") is not part of it.
    text = trim(text);
    const auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    const auto code_at = [&](std::size_t at) {
        return text.size() >= at + 3 && is_letter(text[at]) && is_letter(text[at + 1]) &&
               is_letter(text[at + 2]);
    };
    if (code_at(0) && (text.size() == 3 || !is_letter(text[3]))) text.remove_prefix(3);
    if (text.size() >= 3 && code_at(text.size() - 3) &&
        (text.size() == 3 || !is_letter(text[text.size() - 4])))
        text.remove_suffix(3);
    // Currency signs and spaces (also no-break and thin spaces) go; what is left are digits
    // and separators.
    std::string kept;
    bool negative = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c >= '0' && c <= '9') || c == '.' || c == ',')
            kept += char(c);
        else if (c == '-' || c == '(')
            negative = true;
        else if (c == '\'' || c == ' ' || c == ')' || c == '$' || c >= 0x80)
            continue;
        else
            throw invalid_input(expected);
    }
    if (negative) throw invalid_input("an amount is never negative");
    if (kept.empty())
        throw invalid_input("expected an amount such as 12000, 12000.50 or 12,000.50");
    // The decimal separator is the last '.' or ',' when both kinds appear, or when it cannot
    // group thousands: it is the only one and not between 1-3 digits (not a lone 0) and exactly
    // three.
    const auto last = kept.find_last_of(".,");
    std::string number;
    if (last != std::string::npos) {
        const char mark = kept[last];
        const bool both = kept.find(mark == '.' ? ',' : '.') != std::string::npos;
        const std::size_t after = kept.size() - last - 1;
        const bool repeated = kept.find(mark) != last;
        const bool groups = after == 3 && last >= 1 && last <= 3 && kept[0] != '0';
        const bool decimal = both || (!repeated && !groups);
        for (std::size_t i = 0; i < kept.size(); ++i) {
            if (kept[i] == '.' || kept[i] == ',') {
                if (i == last && decimal) number += '.';
                continue;
            }
            number += kept[i];
        }
    } else {
        number = kept;
    }
    // Zeros past the currency's decimals change nothing (Vtiger writes 12000.00000000).
    if (const auto point = number.find('.'); point != std::string::npos)
        while (number.size() - point - 1 > std::size_t(digits) && number.back() == '0')
            number.pop_back();
    if (!number.empty() && number.back() == '.') number.pop_back();
    const auto point = number.find('.');
    if (!rounded || point == std::string::npos || number.size() - point - 1 <= std::size_t(digits))
        return parse_amount(number, digits);
    // More decimals than the currency has: rounded half to even, in the digits as written.
    const std::string_view rest = std::string_view(number).substr(point + 1 + std::size_t(digits));
    std::string shown = number.substr(0, point + 1 + std::size_t(digits));
    if (shown.back() == '.') shown.pop_back();
    std::int64_t minor = parse_amount(shown, digits);
    const bool above_half =
        rest[0] > '5' || (rest[0] == '5' && rest.find_first_not_of('0', 1) != std::string::npos);
    const bool half = rest[0] == '5' && !above_half;
    if (above_half || (half && minor % 2 != 0)) {
        if (minor == max_amount_minor(digits))
            throw invalid_input(fmt::format("too large (at most {})",
                                            format_units(minor, digits, Grouping::thousands)));
        ++minor;
    }
    *rounded = true;
    return minor;
}

int parse_probability_cell(std::string_view text) {
    std::string_view value = trim(text);
    if (!value.empty() && value.back() == '%') value = trim(value.substr(0, value.size() - 1));
    int whole = 0;
    std::size_t at = 0;
    std::size_t digits = 0;
    while (at < value.size() && value[at] >= '0' && value[at] <= '9' && digits < 4) {
        whole = whole * 10 + (value[at++] - '0');
        ++digits;
    }
    bool round_up = false;
    if (digits > 0 && at < value.size() && (value[at] == '.' || value[at] == ',')) {
        ++at;
        if (at < value.size() && value[at] >= '5' && value[at] <= '9') round_up = true;
        while (at < value.size() && value[at] >= '0' && value[at] <= '9')
            ++at;
    }
    if (digits == 0 || at != value.size())
        throw invalid_input("expected a percentage from 0 to 100");
    const int probability = whole + (round_up ? 1 : 0);
    if (probability > 100) throw invalid_input("expected a percentage from 0 to 100");
    return probability;
}

ForecastCategory parse_category_cell(std::string_view text) {
    std::string word;
    for (const char c : ascii_lower(trim(text)))
        if (c != ' ' && c != '-' && c != '_') word += c;
    if (word == "pipeline") return ForecastCategory::pipeline;
    if (word == "bestcase") return ForecastCategory::best_case;
    // Salesforce's API names Commit "Forecast".
    if (word == "commit" || word == "forecast") return ForecastCategory::commit;
    if (word == "omitted") return ForecastCategory::omitted;
    if (word == "closed") return ForecastCategory::closed;
    throw invalid_input("expected Pipeline, Best Case, Commit, Omitted or Closed");
}

DealType parse_deal_type_cell(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    if (word.starts_with("new")) return DealType::new_business;
    if (word.starts_with("existing")) return DealType::existing_business;
    throw invalid_input("expected new or existing (or New Business, Existing Business)");
}

bool is_footer_row(const std::vector<std::string>& cells, bool footer_begun) {
    std::vector<std::string_view> filled;
    for (const auto& cell : cells)
        if (!trim(cell).empty()) filled.push_back(trim(cell));
    if (filled.empty()) return footer_begun;
    const std::string first = ascii_lower(filled.front());
    if (first == "total" || first == "grand total" || first == "grand totals") return true;
    if (filled.size() != 1) return false;
    if (footer_begun) return true;
    return first.starts_with("copyright (c)") || first.starts_with("confidential information") ||
           first.starts_with("generated by");
}

}  // namespace funnel
