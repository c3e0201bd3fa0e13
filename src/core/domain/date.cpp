#include "funnel/domain/date.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <functional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace chr = std::chrono;

const char* const date_forms_hint =
    "expected YYYY-MM-DD, today, yesterday, tomorrow, +3d, -2w, in 2 weeks, 3 days ago, eow, eom, "
    "eoq, eoy, som, soq, soy, a weekday (fri, next fri), Dec 15, 15 Dec 2026, or a quarter (Q1, "
    "Q1 2027, 2026Q3)";

namespace {

constexpr int min_year = 1000;
constexpr int max_year = 9999;

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

int to_int(std::string_view s) {
    int value = 0;
    std::from_chars(s.data(), s.data() + s.size(), value);
    return value;
}

std::optional<unsigned> weekday_index(std::string_view word) {
    // Index as std::chrono::weekday: Sunday is 0.
    static constexpr std::array<std::array<std::string_view, 4>, 7> names{{
        {"sun", "sunday", "", ""},
        {"mon", "monday", "", ""},
        {"tue", "tues", "tuesday", ""},
        {"wed", "wednesday", "", ""},
        {"thu", "thur", "thurs", "thursday"},
        {"fri", "friday", "", ""},
        {"sat", "saturday", "", ""},
    }};
    for (unsigned i = 0; i < names.size(); ++i)
        for (auto name : names[i])
            if (!name.empty() && name == word) return i;
    return std::nullopt;
}

std::optional<Date> parse_relative(std::string_view text, Date today) {
    if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
    const bool negative = text[0] == '-';
    std::string_view rest = text.substr(1);
    char unit = 'd';
    if (!rest.empty() && (rest.back() < '0' || rest.back() > '9')) {
        unit = rest.back();
        rest.remove_suffix(1);
    }
    if (!all_digits(rest) || rest.size() > 6) return std::nullopt;
    std::int64_t n = to_int(rest);
    if (negative) n = -n;
    switch (unit) {
        case 'd':
            return add_days(today, n);
        case 'w':
            return add_days(today, 7 * n);
        case 'm':
            return add_months(today, n);
        case 'q':
            return add_months(today, 3 * n);
        case 'y':
            return add_months(today, 12 * n);
        default:
            return std::nullopt;
    }
}

std::optional<Date> parse_quarter(std::string_view text) {
    // YYYYQn, a calendar quarter; FYYYYYQn, a quarter of the fiscal year.
    const bool fiscal = text.size() == 8 && text.substr(0, 2) == "fy";
    if (fiscal) text.remove_prefix(2);
    if (text.size() != 6 || !all_digits(text.substr(0, 4)) || text[4] != 'q') return std::nullopt;
    const char q = text[5];
    if (q < '1' || q > '4') return std::nullopt;
    const int year = to_int(text.substr(0, 4));
    if (fiscal) return add_months(start_of_fiscal_year(year), (q - '1') * 3);
    return Date{chr::year{year}, chr::month{unsigned(q - '1') * 3 + 1}, chr::day{1}};
}

std::optional<unsigned> month_index(std::string_view word) {
    static constexpr std::array<std::string_view, 12> names{
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    if (word == "sept") return 9;
    for (unsigned i = 0; i < names.size(); ++i)
        if (word == names[i] || (word.size() == 3 && names[i].substr(0, 3) == word)) return i + 1;
    return std::nullopt;
}

// Words of the text, split at spaces and commas: "Dec 15, 2026" is {dec, 15, 2026}.
std::vector<std::string_view> words_of(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto start = text.find_first_not_of(" ,", at);
        if (start == std::string_view::npos) break;
        const auto end = std::min(text.find_first_of(" ,", start), text.size());
        words.push_back(text.substr(start, end - start));
        at = end;
    }
    return words;
}

// "15", "15th", "1st": a day of the month.
std::optional<unsigned> day_number(std::string_view word) {
    for (std::string_view suffix : {"st", "nd", "rd", "th"})
        if (word.size() > 2 && word.substr(word.size() - 2) == suffix) {
            word.remove_suffix(2);
            break;
        }
    if (!all_digits(word) || word.size() > 2) return std::nullopt;
    return unsigned(to_int(word));
}

std::optional<int> year_number(std::string_view word) {
    if (word.size() != 4 || !all_digits(word)) return std::nullopt;
    return to_int(word);
}

// "in 2 weeks", "2 weeks", "in 3d", "3 days ago".
std::optional<Date> parse_spoken_offset(std::vector<std::string_view> words, Date today) {
    bool ago = false;
    if (!words.empty() && words.front() == "in")
        words.erase(words.begin());
    else if (!words.empty() && words.back() == "ago") {
        ago = true;
        words.pop_back();
    }
    std::string joined;
    for (auto word : words)
        joined += word;
    std::size_t digits = 0;
    while (digits < joined.size() && joined[digits] >= '0' && joined[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 6 || words.size() > 2) return std::nullopt;
    const std::string_view unit = std::string_view(joined).substr(digits);
    static constexpr std::array<std::pair<char, std::array<std::string_view, 4>>, 5> units{{
        {'d', {"d", "day", "days", ""}},
        {'w', {"w", "wk", "week", "weeks"}},
        {'m', {"m", "mo", "month", "months"}},
        {'q', {"q", "quarter", "quarters", ""}},
        {'y', {"y", "yr", "year", "years"}},
    }};
    for (const auto& [letter, names] : units)
        for (auto name : names)
            if (!name.empty() && name == unit)
                return parse_relative(
                    fmt::format("{}{}{}", ago ? '-' : '+', joined.substr(0, digits), letter),
                    today);
    return std::nullopt;
}

// "Dec 15", "15 december", "Dec 15, 2026", "15 Dec 2026". Without a year, the next time the day
// comes round: today or later.
std::optional<Date> parse_month_day(const std::vector<std::string_view>& words, Date today) {
    if (words.size() < 2 || words.size() > 3) return std::nullopt;
    std::optional<unsigned> month = month_index(words[0]);
    std::optional<unsigned> day = day_number(words[1]);
    if (!month || !day) {
        month = month_index(words[1]);
        day = day_number(words[0]);
    }
    if (!month || !day) return std::nullopt;
    const auto on = [&](int year) {
        return Date{chr::year{year}, chr::month{*month}, chr::day{*day}};
    };
    if (words.size() == 3) {
        const auto year = year_number(words[2]);
        if (!year) return std::nullopt;
        if (!on(*year).ok())
            throw invalid_input(fmt::format("{} is not a day of the calendar", words[0]));
        return on(*year);
    }
    // Feb 29 may be up to eight years away (2096 to 2104).
    for (int year = int(today.year()); year <= int(today.year()) + 8; ++year)
        if (on(year).ok() && chr::sys_days{on(year)} >= chr::sys_days{today}) return on(year);
    throw invalid_input(fmt::format("{} {} is not a day of the calendar", words[0], words[1]));
}

// "Q1" (the first day of the next first quarter of the fiscal year, or of this quarter if it is
// the first) and "Q1 2027" (as 2027Q1).
std::optional<Date> parse_spoken_quarter(const std::vector<std::string_view>& words, Date today) {
    if (words.empty() || words.size() > 2 || words[0].size() != 2 || words[0][0] != 'q' ||
        words[0][1] < '1' || words[0][1] > '4')
        return std::nullopt;
    if (words.size() == 2) {
        if (!year_number(words[1])) return std::nullopt;
        return parse_quarter(fmt::format("{}{}", words[1], words[0]));
    }
    const unsigned wanted = unsigned(words[0][1] - '0');
    Date start = start_of_quarter(today);
    while (quarter_of(start) != wanted)
        start = add_months(start, 3);
    return start;
}

DateOrder numeric_date_order = DateOrder::unset;

// 15.12.2026, 12/15/2026, 15-12-2026: in the configured order, else in the one order that makes
// a day; refused when both would.
std::optional<Date> parse_numeric_date(std::string_view text) {
    const auto separator = text.find_first_of("./-");
    if (separator == std::string_view::npos || separator == 0 || separator > 2) return std::nullopt;
    const char mark = text[separator];
    const auto second = text.find(mark, separator + 1);
    if (second == std::string_view::npos) return std::nullopt;
    const auto first_part = text.substr(0, separator);
    const auto middle = text.substr(separator + 1, second - separator - 1);
    const auto year_part = text.substr(second + 1);
    if (!all_digits(first_part) || !all_digits(middle) || middle.size() > 2 || middle.empty())
        return std::nullopt;
    if (!year_number(year_part))
        throw invalid_input("write the year with four digits, as in 15.12.2026");
    const auto day_of = [&](std::string_view day, std::string_view month) {
        return Date{chr::year{to_int(year_part)}, chr::month{unsigned(to_int(month))},
                    chr::day{unsigned(to_int(day))}};
    };
    const Date dmy = day_of(first_part, middle);
    const Date mdy = day_of(middle, first_part);
    switch (numeric_date_order) {
        case DateOrder::dmy:
            if (!dmy.ok())
                throw invalid_input(
                    fmt::format("{} is not a day, read day first (date_order = dmy)", text));
            return dmy;
        case DateOrder::mdy:
            if (!mdy.ok())
                throw invalid_input(
                    fmt::format("{} is not a day, read month first (date_order = mdy)", text));
            return mdy;
        case DateOrder::unset:
            break;
    }
    if (dmy.ok() && mdy.ok() && dmy != mdy)
        throw invalid_input(fmt::format(
            "{} could be {} or {}; write it as YYYY-MM-DD, or set date_order (dmy or mdy) in the "
            "config file",
            text, format_date(dmy), format_date(mdy)));
    if (dmy.ok()) return dmy;
    if (mdy.ok()) return mdy;
    throw invalid_input(fmt::format("{} is not a day of the calendar", text));
}

}  // namespace

void set_date_order(DateOrder order) {
    numeric_date_order = order;
}

std::optional<unsigned> weekday_named(std::string_view name) {
    return weekday_index(ascii_lower(trim(name)));
}

Date checked_date(Date date) {
    if (!date.ok()) throw invalid_input("not a day of the calendar");
    if (int(date.year()) < min_year || int(date.year()) > max_year)
        throw invalid_input("date out of range (years 1000 to 9999)");
    return date;
}

std::string parse_time_of_day(std::string_view input) {
    std::string_view text = trim(input);
    const auto fail = [&] {
        return invalid_input(fmt::format(
            "{} is not a time of day (expected HH:MM or HH:MM:SS, 24-hour or with AM/PM)",
            in_quotes(input)));
    };
    const auto two_digits = [&](std::size_t at) -> int {
        if (text.size() < at + 2 || !all_digits(text.substr(at, 2))) throw fail();
        return to_int(text.substr(at, 2));
    };
    // An hour may have one digit ("8:55 PM").
    std::size_t at = text.size() > 1 && text[1] == ':' ? 1 : 2;
    if (text.size() < at || !all_digits(text.substr(0, at))) throw fail();
    int hour = to_int(text.substr(0, at));
    if (text.size() <= at || text[at] != ':') throw fail();
    const int minute = two_digits(at + 1);
    at += 3;
    int second = 0;
    if (at < text.size() && text[at] == ':') {
        second = two_digits(at + 1);
        at += 3;
        if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
            const std::size_t digits = at + 1;
            for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            }
            if (at == digits) throw fail();
        }
    }
    std::string_view rest = trim(text.substr(at));
    const std::string meridiem = ascii_lower(rest);
    if (meridiem == "am" || meridiem == "pm") {
        if (hour < 1 || hour > 12) throw fail();
        hour = hour % 12 + (meridiem == "pm" ? 12 : 0);
    } else if (!rest.empty() && rest != "Z" && rest != "z") {
        // A zone: +hh, +hhmm or +hh:mm.
        const bool sign = rest.front() == '+' || rest.front() == '-';
        std::string zone(rest.substr(sign ? 1 : 0));
        zone.erase(std::remove(zone.begin(), zone.end(), ':'), zone.end());
        if (!sign || (zone.size() != 2 && zone.size() != 4) || !all_digits(zone)) throw fail();
    }
    if (hour > 23 || minute > 59 || second > 59) throw fail();
    return fmt::format("{:02}:{:02}:{:02}", hour, minute, second);
}

bool is_timestamp(std::string_view text) {
    if (text.size() != 19 || text[10] != 'T') return false;
    const auto day = parse_iso_date(text.substr(0, 10));
    if (!day || int(day->year()) < min_year || int(day->year()) > max_year) return false;
    const std::string_view time = text.substr(11);
    if (time[2] != ':' || time[5] != ':') return false;
    try {
        return parse_time_of_day(time) == time;
    } catch (const Error&) {
        return false;
    }
}

std::optional<Date> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
    if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
    Date date{chr::year{to_int(y)}, chr::month{unsigned(to_int(m))}, chr::day{unsigned(to_int(d))}};
    if (!date.ok()) return std::nullopt;
    return date;
}

Date parse_date(std::string_view input, Date today) {
    const std::string text = ascii_lower(trim(input));
    if (auto iso = parse_iso_date(text)) return checked_date(*iso);
    if (text.size() == 10 && text[4] == '-' && text[7] == '-' && all_digits(text.substr(0, 4)) &&
        all_digits(text.substr(5, 2)) && all_digits(text.substr(8, 2)))
        throw invalid_input(fmt::format("{} is not a day of the calendar", text));
    if (text == "today") return today;
    if (text == "yesterday") return checked_date(add_days(today, -1));
    if (text == "tomorrow") return checked_date(add_days(today, 1));
    if (text == "sow") return checked_date(start_of_week(today));
    if (text == "eow") return checked_date(end_of_week(today));
    if (text == "som") return start_of_month(today);
    if (text == "eom") return end_of_month(today);
    if (text == "soq") return start_of_quarter(today);
    if (text == "eoq") return end_of_quarter(today);
    if (text == "soy") return start_of_year(today);
    if (text == "eoy") return end_of_year(today);
    if (auto relative = parse_relative(text, today)) return checked_date(*relative);
    if (auto quarter = parse_quarter(text)) return checked_date(*quarter);
    const auto words = words_of(text);
    std::string_view weekday = text;
    if (words.size() == 2 && words[0] == "next") weekday = words[1];
    if (auto index = weekday_index(weekday)) {
        const chr::weekday now{chr::sys_days{today}};
        // The next such day, never today: "fri" on a Friday is a week later.
        auto ahead = (chr::weekday{*index} - now).count();
        if (ahead == 0) ahead = 7;
        return checked_date(add_days(today, ahead));
    }
    if (auto offset = parse_spoken_offset(words, today)) return checked_date(*offset);
    if (auto day = parse_month_day(words, today)) return checked_date(*day);
    if (auto quarter = parse_spoken_quarter(words, today)) return checked_date(*quarter);
    if (auto numeric = parse_numeric_date(text)) return checked_date(*numeric);
    throw invalid_input(date_forms_hint);
}

std::string format_date(Date date) {
    return fmt::format("{:04}-{:02}-{:02}", int(date.year()), unsigned(date.month()),
                       unsigned(date.day()));
}

Date add_days(Date date, std::int64_t days) {
    return Date{chr::sys_days{date} + chr::days{days}};
}

Date add_months(Date date, std::int64_t months) {
    const Date first = date.year() / date.month() / 1;
    const Date shifted = first + chr::months{months};
    const auto last =
        chr::year_month_day_last{shifted.year(), chr::month_day_last{shifted.month()}};
    return shifted.year() / shifted.month() / std::min(date.day(), last.day());
}

std::int64_t days_between(Date a, Date b) {
    return (chr::sys_days{b} - chr::sys_days{a}).count();
}

namespace {
unsigned first_weekday = 1;  // Monday, as chrono::weekday counts
}  // namespace

void set_week_start(unsigned weekday) {
    if (weekday > 6) throw invalid_input("a week starts on a day from Sunday (0) to Saturday (6)");
    first_weekday = weekday;
}

unsigned week_start() {
    return first_weekday;
}

Date start_of_week(Date date) {
    const chr::weekday wd{chr::sys_days{date}};
    return add_days(date, -static_cast<std::int64_t>((wd - chr::weekday{first_weekday}).count()));
}

Date end_of_week(Date date) {
    return add_days(start_of_week(date), 6);
}

Date start_of_month(Date date) {
    return date.year() / date.month() / 1;
}

Date end_of_month(Date date) {
    return Date{chr::year_month_day_last{date.year(), chr::month_day_last{date.month()}}};
}

namespace {
int first_fiscal_month = 1;
// Where the fiscal start is read from when first needed (the data file), unless set before.
std::function<std::optional<int>()> fiscal_start_source;
}  // namespace

void set_fiscal_start(int month) {
    if (month < 1 || month > 12) throw invalid_input("a fiscal year starts in month 1 to 12");
    first_fiscal_month = month;
    fiscal_start_source = nullptr;
}

void set_fiscal_start_source(std::function<std::optional<int>()> source) {
    fiscal_start_source = std::move(source);
}

int fiscal_start() {
    if (fiscal_start_source) {
        const auto source = std::exchange(fiscal_start_source, nullptr);
        if (const auto month = source(); month && *month >= 1 && *month <= 12)
            first_fiscal_month = *month;
    }
    return first_fiscal_month;
}

int fiscal_year_of(Date date) {
    const int year = int(date.year());
    const int first = fiscal_start();
    if (first == 1) return year;
    return int(unsigned(date.month())) >= first ? year + 1 : year;
}

Date start_of_fiscal_year(int fiscal_year) {
    const int first = fiscal_start();
    const int year = first == 1 ? fiscal_year : fiscal_year - 1;
    return chr::year{year} / chr::month{unsigned(first)} / 1;
}

unsigned quarter_of(Date date) {
    const int months_in = (int(unsigned(date.month())) - fiscal_start() + 12) % 12;
    return unsigned(months_in / 3) + 1;
}

Date start_of_quarter(Date date) {
    return add_months(start_of_fiscal_year(fiscal_year_of(date)), (quarter_of(date) - 1) * 3);
}

Date end_of_quarter(Date date) {
    return end_of_month(add_months(start_of_quarter(date), 2));
}

Date start_of_year(Date date) {
    return start_of_fiscal_year(fiscal_year_of(date));
}

Date end_of_year(Date date) {
    return end_of_month(add_months(start_of_year(date), 11));
}

namespace {
std::tm local_tm() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    return tm;
}
}  // namespace

Date system_today() {
    const std::tm tm = local_tm();
    return Date{chr::year{tm.tm_year + 1900}, chr::month{unsigned(tm.tm_mon + 1)},
                chr::day{unsigned(tm.tm_mday)}};
}

Timestamp system_now() {
    const std::tm tm = local_tm();
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Timestamp timestamp_at_start_of(Date date) {
    return format_date(date) + "T00:00:00";
}

std::optional<Date> date_of(std::string_view timestamp) {
    return parse_iso_date(timestamp.substr(0, 10));
}

}  // namespace funnel
