// Report periods: months, quarters and years, and the arguments that name them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/date.hpp"

namespace funnel {

enum class Granularity { month, quarter, year };
Granularity parse_granularity(std::string_view text);  // month, quarter, year; Error(invalid)

struct Period {
    Granularity granularity = Granularity::month;
    Date first;
    Date last;

    // "2026-11", "2026Q4" or "2026".
    std::string label() const;
    bool contains(Date date) const { return first <= date && date <= last; }
};

Period period_containing(Date date, Granularity granularity);
Period next_period(const Period& period);

// The days a period argument names: "2026-11", "2026Q4" and "2026" their whole month, quarter
// or year; any date form of parse_date that one day. Throws Error(invalid).
struct DayRange {
    Date first;
    Date last;
};
DayRange parse_period_argument(std::string_view text, Date today);

// A month, quarter or year named as report columns name them: 2026-11, 2026Q4 (a calendar
// quarter) or FY2027Q3, 2026 or FY2027. It must be one of the file's periods: with a fiscal year
// that does not start in January, April, July or October, a calendar quarter is not. Throws
// Error(invalid) saying what is expected.
Period parse_period(std::string_view text, Date today);

// The periods from the one containing `from` to the one containing `to`, in order.
// Throws Error(invalid) when `to` is before `from` or there would be more than `max_periods`.
inline constexpr std::size_t max_periods = 240;
std::vector<Period> periods_between(Date from, Date to, Granularity granularity);

}  // namespace funnel
