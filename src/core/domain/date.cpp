#include "funnel/domain/date.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace chr = std::chrono;

const char* const date_forms_hint =
    "expected YYYY-MM-DD, today, yesterday, tomorrow, +3d, -2w, +1m, +1q, +1y, eow, eom, eoq, eoy, "
    "som, soq, soy, a weekday (fri) or a quarter (2026Q3)";

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

}  // namespace

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
    if (auto index = weekday_index(text)) {
        const chr::weekday now{chr::sys_days{today}};
        // The next such day, never today: "fri" on a Friday is a week later.
        auto ahead = (chr::weekday{*index} - now).count();
        if (ahead == 0) ahead = 7;
        return checked_date(add_days(today, ahead));
    }
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

Date start_of_week(Date date) {
    const chr::weekday wd{chr::sys_days{date}};
    return add_days(date, -static_cast<std::int64_t>(wd.iso_encoding() - 1));
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
}  // namespace

void set_fiscal_start(int month) {
    if (month < 1 || month > 12) throw invalid_input("a fiscal year starts in month 1 to 12");
    first_fiscal_month = month;
}

int fiscal_start() {
    return first_fiscal_month;
}

int fiscal_year_of(Date date) {
    const int year = int(date.year());
    if (first_fiscal_month == 1) return year;
    return int(unsigned(date.month())) >= first_fiscal_month ? year + 1 : year;
}

Date start_of_fiscal_year(int fiscal_year) {
    const int year = first_fiscal_month == 1 ? fiscal_year : fiscal_year - 1;
    return chr::year{year} / chr::month{unsigned(first_fiscal_month)} / 1;
}

unsigned quarter_of(Date date) {
    const int months_in = (int(unsigned(date.month())) - first_fiscal_month + 12) % 12;
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
