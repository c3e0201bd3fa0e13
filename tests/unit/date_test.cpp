#include "funnel/domain/date.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned day) {
    return Date{year{y}, month{m}, std::chrono::day{day}};
}
std::string parsed(const char* text, Date today) {
    return format_date(parse_date(text, today));
}
const Date monday = d(2026, 11, 16);  // a Monday in the middle of Q4
}  // namespace

TEST_CASE("ISO dates are parsed strictly") {
    CHECK(parse_iso_date("2026-12-31") == d(2026, 12, 31));
    CHECK(parse_iso_date("2028-02-29") == d(2028, 2, 29));
    CHECK_FALSE(parse_iso_date("2026-02-29"));
    CHECK_FALSE(parse_iso_date("2100-02-29"));
    CHECK(parse_iso_date("2000-02-29") == d(2000, 2, 29));
    CHECK_FALSE(parse_iso_date("2026-13-01"));
    CHECK_FALSE(parse_iso_date("2026-04-31"));
    CHECK_FALSE(parse_iso_date("2026-00-10"));
    CHECK_FALSE(parse_iso_date("2026-1-01"));
    CHECK_FALSE(parse_iso_date("26-01-01"));
    CHECK_FALSE(parse_iso_date("2026/01/01"));
    CHECK_FALSE(parse_iso_date(""));
}

TEST_CASE("relative words count from today") {
    CHECK(parsed("today", monday) == "2026-11-16");
    CHECK(parsed("TODAY", monday) == "2026-11-16");
    CHECK(parsed(" tomorrow ", monday) == "2026-11-17");
    CHECK(parsed("yesterday", monday) == "2026-11-15");
    CHECK(parsed("yesterday", d(2026, 1, 1)) == "2025-12-31");
}

TEST_CASE("offsets in days weeks months quarters and years") {
    CHECK(parsed("+3d", monday) == "2026-11-19");
    CHECK(parsed("-3d", monday) == "2026-11-13");
    CHECK(parsed("+3", monday) == "2026-11-19");
    CHECK(parsed("+2w", monday) == "2026-11-30");
    CHECK(parsed("+1m", monday) == "2026-12-16");
    CHECK(parsed("+2m", monday) == "2027-01-16");
    CHECK(parsed("+1q", monday) == "2027-02-16");
    CHECK(parsed("+1y", monday) == "2027-11-16");
    CHECK(parsed("-1y", monday) == "2025-11-16");
    CHECK(parsed("+0d", monday) == "2026-11-16");
}

TEST_CASE("month offsets clamp to the end of shorter months") {
    CHECK(parsed("+1m", d(2026, 1, 31)) == "2026-02-28");
    CHECK(parsed("+1m", d(2028, 1, 31)) == "2028-02-29");
    CHECK(parsed("+1y", d(2028, 2, 29)) == "2029-02-28");
    CHECK(parsed("-1m", d(2026, 3, 31)) == "2026-02-28");
    CHECK(parsed("+1q", d(2026, 11, 30)) == "2027-02-28");
}

TEST_CASE("start and end of week month quarter and year") {
    CHECK(parsed("sow", monday) == "2026-11-16");
    CHECK(parsed("eow", monday) == "2026-11-22");
    CHECK(parsed("eow", d(2026, 11, 22)) == "2026-11-22");  // a Sunday ends its own week
    CHECK(parsed("som", monday) == "2026-11-01");
    CHECK(parsed("eom", monday) == "2026-11-30");
    CHECK(parsed("eom", d(2028, 2, 3)) == "2028-02-29");
    CHECK(parsed("eom", d(2026, 2, 3)) == "2026-02-28");
    CHECK(parsed("soq", monday) == "2026-10-01");
    CHECK(parsed("eoq", monday) == "2026-12-31");
    CHECK(parsed("eoq", d(2026, 2, 10)) == "2026-03-31");
    CHECK(parsed("eoq", d(2026, 4, 1)) == "2026-06-30");
    CHECK(parsed("eoq", d(2026, 9, 30)) == "2026-09-30");
    CHECK(parsed("soy", monday) == "2026-01-01");
    CHECK(parsed("eoy", monday) == "2026-12-31");
}

TEST_CASE("weekday names mean the next such day") {
    CHECK(parsed("fri", monday) == "2026-11-20");
    CHECK(parsed("friday", monday) == "2026-11-20");
    CHECK(parsed("mon", monday) == "2026-11-23");  // never today
    CHECK(parsed("sun", monday) == "2026-11-22");
    CHECK(parsed("Tue", monday) == "2026-11-17");
    CHECK(parsed("thurs", monday) == "2026-11-19");
    CHECK(parsed("sat", d(2026, 12, 31)) == "2027-01-02");
}

TEST_CASE("quarters give their first day") {
    CHECK(parsed("2026Q3", monday) == "2026-07-01");
    CHECK(parsed("2026q1", monday) == "2026-01-01");
    CHECK(parsed("2027Q4", monday) == "2027-10-01");
}

TEST_CASE("bad dates are refused with a hint") {
    for (const char* bad : {"tomorow", "", "2026Q5", "2026Q0", "+3x", "+", "3x", "next week",
                            "fri2", "+1234567d", "2026-1-1", "31/12"}) {
        CAPTURE(bad);
        try {
            parse_date(bad, monday);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid);
            CHECK(std::string(e.what()).find("YYYY-MM-DD") != std::string::npos);
        }
    }
}

TEST_CASE("impossible calendar days say so") {
    for (const char* bad : {"2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-01"}) {
        CAPTURE(bad);
        try {
            parse_date(bad, monday);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid);
            CHECK(std::string(e.what()).find("not a day of the calendar") != std::string::npos);
        }
    }
}

TEST_CASE("dates outside years 1000 to 9999 are refused") {
    CHECK_THROWS_AS(parse_date("+10y", d(9995, 6, 1)), Error);
    CHECK_THROWS_AS(parse_date("0999-12-31", monday), Error);
}

TEST_CASE("day arithmetic") {
    CHECK(days_between(d(2026, 1, 1), d(2026, 12, 31)) == 364);
    CHECK(days_between(d(2028, 1, 1), d(2028, 12, 31)) == 365);
    CHECK(days_between(d(2026, 3, 1), d(2026, 2, 28)) == -1);
    CHECK(add_days(d(2028, 2, 28), 1) == d(2028, 2, 29));
    CHECK(add_days(d(2026, 2, 28), 1) == d(2026, 3, 1));
    CHECK(quarter_of(d(2026, 3, 31)) == 1);
    CHECK(quarter_of(d(2026, 4, 1)) == 2);
    CHECK(quarter_of(d(2026, 12, 31)) == 4);
}

TEST_CASE("timestamps") {
    CHECK(timestamp_at_start_of(monday) == "2026-11-16T00:00:00");
    CHECK(date_of("2026-11-16T13:45:00") == monday);
    CHECK_FALSE(date_of("garbage"));
    const Timestamp now = system_now();
    CHECK(now.size() == 19);
    CHECK(date_of(now) == system_today());
}

TEST_CASE("times of day in the forms people and exports write") {
    CHECK(parse_time_of_day("09:05") == "09:05:00");
    CHECK(parse_time_of_day("9:05") == "09:05:00");
    CHECK(parse_time_of_day("23:59:59") == "23:59:59");
    CHECK(parse_time_of_day("16:14:25.000+0000") == "16:14:25");
    CHECK(parse_time_of_day("16:14:25Z") == "16:14:25");
    CHECK(parse_time_of_day("16:14:25+01:00") == "16:14:25");
    CHECK(parse_time_of_day("08:55 PM") == "20:55:00");
    CHECK(parse_time_of_day("12:00 am") == "00:00:00");
    CHECK(parse_time_of_day("12:30 PM") == "12:30:00");
    for (const char* bad : {"24:00", "12:60", "12:00:60", "13:00 PM", "0:00 AM", "noon", "12",
                            "12:5", "12:00:00.", "12:00 +1", "12:00 CET", ""})
        CHECK_THROWS_AS(parse_time_of_day(bad), Error);
}

TEST_CASE("stored moments are checked whole") {
    CHECK(is_timestamp("2026-11-16T09:00:00"));
    CHECK_FALSE(is_timestamp("2026-11-16 09:00:00"));
    CHECK_FALSE(is_timestamp("2026-02-30T09:00:00"));
    CHECK_FALSE(is_timestamp("0999-11-16T09:00:00"));
    CHECK_FALSE(is_timestamp("2026-11-16T24:00:00"));
    CHECK_FALSE(is_timestamp("2026-11-16T9:00:000"));
    CHECK_FALSE(is_timestamp("2026-11-16"));
}

TEST_CASE("dates as people say them") {
    // monday is 2026-11-16.
    CHECK(parsed("next friday", monday) == "2026-11-20");
    CHECK(parsed("next fri", monday) == parsed("fri", monday));
    CHECK(parsed("next monday", monday) == "2026-11-23");
    CHECK(parsed("in 2 weeks", monday) == "2026-11-30");
    CHECK(parsed("2 weeks", monday) == "2026-11-30");
    CHECK(parsed("in 3 days", monday) == "2026-11-19");
    CHECK(parsed("in 1 day", monday) == "2026-11-17");
    CHECK(parsed("in 2w", monday) == "2026-11-30");
    CHECK(parsed("1 month", monday) == "2026-12-16");
    CHECK(parsed("in 2 quarters", monday) == "2027-05-16");
    CHECK(parsed("1 year", monday) == "2027-11-16");
    CHECK(parsed("3 days ago", monday) == "2026-11-13");
    CHECK(parsed("2 months ago", monday) == "2026-09-16");
    CHECK(parsed("In 2 Weeks", monday) == "2026-11-30");
}

TEST_CASE("month and day: the next time it comes round") {
    CHECK(parsed("Dec 15", monday) == "2026-12-15");
    CHECK(parsed("december 15", monday) == "2026-12-15");
    CHECK(parsed("15 Dec", monday) == "2026-12-15");
    CHECK(parsed("15th december", monday) == "2026-12-15");
    CHECK(parsed("Nov 16", monday) == "2026-11-16");  // today
    CHECK(parsed("Nov 15", monday) == "2027-11-15");  // gone this year
    CHECK(parsed("Jan 3", monday) == "2027-01-03");
    CHECK(parsed("sept 1", monday) == "2027-09-01");
    CHECK(parsed("Feb 29", monday) == "2028-02-29");
    CHECK(parsed("15 Dec 2026", monday) == "2026-12-15");
    CHECK(parsed("Dec 15, 2025", monday) == "2025-12-15");
    CHECK(parsed("1 March 2027", monday) == "2027-03-01");
    CHECK_THROWS_WITH(parse_date("Feb 30", monday), "feb 30 is not a day of the calendar");
    CHECK_THROWS_WITH(parse_date("31 Apr 2027", monday), "31 is not a day of the calendar");
}

TEST_CASE("spoken quarters") {
    CHECK(parsed("Q1", monday) == "2027-01-01");
    CHECK(parsed("Q4", monday) == "2026-10-01");  // this quarter
    CHECK(parsed("Q3", monday) == "2027-07-01");
    CHECK(parsed("Q1 2027", monday) == "2027-01-01");
    CHECK(parsed("q2 2026", monday) == "2026-04-01");
    set_fiscal_start(4);
    CHECK(parsed("Q1", monday) == "2027-04-01");       // the fiscal year's first quarter
    CHECK(parsed("Q3", monday) == "2026-10-01");       // this quarter, FY2027Q3
    CHECK(parsed("Q1 2027", monday) == "2027-01-01");  // as 2027Q1: the calendar's
    set_fiscal_start(1);
}

TEST_CASE("numeric dates in the configured order, or the only one that makes a day") {
    CHECK(parsed("15.12.2026", monday) == "2026-12-15");
    CHECK(parsed("12/15/2026", monday) == "2026-12-15");
    CHECK(parsed("15-12-2026", monday) == "2026-12-15");
    CHECK(parsed("7.7.2026", monday) == "2026-07-07");
    CHECK_THROWS_WITH(parse_date("01.02.2026", monday),
                      "01.02.2026 could be 2026-02-01 or 2026-01-02; write it as YYYY-MM-DD, or "
                      "set date_order (dmy or mdy) in the config file");
    CHECK_THROWS_WITH(parse_date("15.12.26", monday),
                      "write the year with four digits, as in 15.12.2026");
    CHECK_THROWS_WITH(parse_date("31.31.2026", monday), "31.31.2026 is not a day of the calendar");
    set_date_order(DateOrder::dmy);
    CHECK(parsed("01.02.2026", monday) == "2026-02-01");
    CHECK_THROWS_WITH(parse_date("12/15/2026", monday),
                      "12/15/2026 is not a day, read day first (date_order = dmy)");
    set_date_order(DateOrder::mdy);
    CHECK(parsed("01/02/2026", monday) == "2026-01-02");
    CHECK(parsed("12/15/2026", monday) == "2026-12-15");
    set_date_order(DateOrder::unset);
}

TEST_CASE("weeks may start on Sunday") {
    set_week_start(0);
    CHECK(parsed("sow", monday) == "2026-11-15");
    CHECK(parsed("eow", monday) == "2026-11-21");
    set_week_start(1);
    CHECK(parsed("sow", monday) == "2026-11-16");
    CHECK(parsed("eow", monday) == "2026-11-22");
}

TEST_CASE("words that are not dates keep the hint") {
    for (const char* bad : {"next", "next week", "in", "in weeks", "2 fortnights", "dec", "15",
                            "dec 15 15", "q5", "Q1 27", "in 2 weeks ago", "1234567 days"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH(parse_date(bad, monday), date_forms_hint);
    }
}
