// Calendar dates: parsing of the input forms of the contract, ISO 8601 output.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace funnel {

using Date = std::chrono::year_month_day;

// A strict YYYY-MM-DD that names a real day, or nothing.
std::optional<Date> parse_iso_date(std::string_view text);

// A day funnel keeps: a real day of the years 1000 to 9999, the one range that options,
// imports and restores are all held to. Throws Error(invalid).
Date checked_date(Date date);

// A time of day as people and exports write it: HH:MM or HH:MM:SS, perhaps with fractions of a
// second, a zone (Z, +01:00; taken as written) or AM/PM. Returns "HH:MM:SS"; throws
// Error(invalid) for anything else, such as 25:00.
std::string parse_time_of_day(std::string_view text);

// Any input form of the contract: YYYY-MM-DD, today, yesterday, tomorrow, +N/-N with unit
// d|w|m|q|y, sow/eow, som/eom, soq/eoq, soy/eoy, weekday names and "next fri" (the next such
// day), "in 2 weeks", "2 weeks", "3 days ago", "Dec 15" and "15 december" (the next such day,
// today included), "15 Dec 2026", YYYYQn and "Q1 2027" (the first day of the calendar quarter),
// "Q1" (the first day of the coming first quarter of the fiscal year) and numeric dates such as
// 15.12.2026 or 12/15/2026 (read in the order set by set_date_order, else in the only order that
// makes a day). Throws Error(invalid) saying what is accepted, or why an ambiguous form is not.
Date parse_date(std::string_view text, Date today);

// How numeric dates with a two-digit day and month are read: day first, month first, or (unset)
// in the one order that gives a day of the calendar. Set once for the process from the config.
enum class DateOrder { unset, dmy, mdy };
void set_date_order(DateOrder order);

// What parse_date accepts, for error messages.
extern const char* const date_forms_hint;

std::string format_date(Date date);

Date add_days(Date date, std::int64_t days);
// Adds calendar months, clamping the day to the end of the target month (Jan 31 + 1m = Feb 28).
Date add_months(Date date, std::int64_t months);
// b - a in days.
std::int64_t days_between(Date a, Date b);

// "fri", "Friday": 0 (Sunday) to 6 (Saturday), as chrono::weekday counts; nothing for another word.
std::optional<unsigned> weekday_named(std::string_view name);

// Weeks start on Monday unless set otherwise (0 Sunday to 6 Saturday, as chrono::weekday).
void set_week_start(unsigned weekday);
unsigned week_start();
Date start_of_week(Date date);
Date end_of_week(Date date);
Date start_of_month(Date date);
Date end_of_month(Date date);
// Quarters and years are fiscal: they follow the first month of the fiscal year, the data file's
// (db info --set-fiscal-start), set once for the process; 1 (the default) makes them the
// calendar's. A fiscal year is named by the calendar year in which it ends: with April, FY2027
// runs from 2026-04-01 to 2027-03-31.
void set_fiscal_start(int month);  // 1 to 12
// Where the first month is read from the first time a quarter or year needs it, unless
// set_fiscal_start comes first: a command that names no quarter never reads it.
void set_fiscal_start_source(std::function<std::optional<int>()> source);
int fiscal_start();
int fiscal_year_of(Date date);
Date start_of_fiscal_year(int fiscal_year);
Date start_of_quarter(Date date);
Date end_of_quarter(Date date);
Date start_of_year(Date date);
Date end_of_year(Date date);
unsigned quarter_of(Date date);  // 1 to 4 in its fiscal year

// The local calendar date of the system clock.
Date system_today();

// A moment, as stored and shown: local time "YYYY-MM-DDTHH:MM:SS".
using Timestamp = std::string;
Timestamp system_now();
// The moment a change is recorded: now, or the start of the pinned day when today is pinned.
Timestamp timestamp_at_start_of(Date date);
// The calendar date of a timestamp (its first ten characters), or nothing if malformed.
std::optional<Date> date_of(std::string_view timestamp);
// Whether text is a moment as funnel stores one, "YYYY-MM-DDTHH:MM:SS", of a day checked_date
// accepts and a real time.
bool is_timestamp(std::string_view text);

}  // namespace funnel
