#include "funnel/domain/period.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace chr = std::chrono;

Granularity parse_granularity(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    if (word == "month") return Granularity::month;
    if (word == "quarter") return Granularity::quarter;
    if (word == "year") return Granularity::year;
    throw invalid_input("expected month, quarter or year");
}

std::string Period::label() const {
    switch (granularity) {
        case Granularity::month:
            return fmt::format("{:04}-{:02}", int(first.year()), unsigned(first.month()));
        case Granularity::quarter:
            if (fiscal_start() != 1)
                return fmt::format("FY{:04}Q{}", fiscal_year_of(first), quarter_of(first));
            return fmt::format("{:04}Q{}", int(first.year()), quarter_of(first));
        case Granularity::year:
            if (fiscal_start() != 1) return fmt::format("FY{:04}", fiscal_year_of(first));
            return fmt::format("{:04}", int(first.year()));
    }
    return {};
}

Period period_containing(Date date, Granularity granularity) {
    switch (granularity) {
        case Granularity::month:
            return {granularity, start_of_month(date), end_of_month(date)};
        case Granularity::quarter:
            return {granularity, start_of_quarter(date), end_of_quarter(date)};
        case Granularity::year:
            return {granularity, start_of_year(date), end_of_year(date)};
    }
    return {};
}

Period next_period(const Period& period) {
    return period_containing(add_days(period.last, 1), period.granularity);
}

DayRange parse_period_argument(std::string_view input, Date today) {
    const std::string text = ascii_lower(trim(input));
    const auto digits = [](std::string_view s) {
        return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (text.size() == 4 && digits(text)) {
        const Date first = chr::year{std::stoi(text)} / chr::January / 1;
        return {first, first.year() / chr::December / 31};
    }
    if (text.size() == 6 && text.substr(0, 2) == "fy" && digits(text.substr(2))) {
        const Date first = start_of_fiscal_year(std::stoi(text.substr(2)));
        return {first, end_of_year(first)};
    }
    if (text.size() == 7 && text[4] == '-' && digits(text.substr(0, 4)) && digits(text.substr(5))) {
        const unsigned month = unsigned(std::stoi(text.substr(5)));
        if (month < 1 || month > 12) throw invalid_input(fmt::format("{} is not a month", text));
        const Date first = chr::year{std::stoi(text.substr(0, 4))} / chr::month{month} / 1;
        return {first, end_of_month(first)};
    }
    try {
        const Date day = parse_date(text, today);
        // A calendar quarter (2026Q4), or a fiscal one (FY2027Q1).
        if (text.size() == 6 && text[4] == 'q') return {day, end_of_month(add_months(day, 2))};
        if (text.size() == 8 && text[6] == 'q') return {day, end_of_quarter(day)};
        return {day, day};
    } catch (const Error&) {
        throw invalid_input(
            "expected a period (2026-11, 2026Q4, 2026, FY2027Q1, FY2027) or a date (YYYY-MM-DD, "
            "today, +1m, eoq, ...)");
    }
}

Period parse_period(std::string_view input, Date today) {
    const std::string text = ascii_lower(trim(input));
    const bool quarter = (text.size() == 6 && text[4] == 'q') ||
                         (text.size() == 8 && text.substr(0, 2) == "fy" && text[6] == 'q');
    const bool month = text.size() == 7 && text[4] == '-';
    const bool year = text.size() == 4 || (text.size() == 6 && text.substr(0, 2) == "fy");
    const auto expected = [&] {
        return invalid_input(
            "expected a month (2026-11), a quarter (2026Q4, FY2027Q3) or a year "
            "(2026, FY2027)");
    };
    if (!quarter && !month && !year) throw expected();
    DayRange days;
    try {
        days = parse_period_argument(text, today);
    } catch (const Error&) {
        throw expected();
    }
    const Granularity granularity = quarter ? Granularity::quarter
                                    : month ? Granularity::month
                                            : Granularity::year;
    const Period period = period_containing(days.first, granularity);
    if (period.first != days.first || period.last != days.last)
        throw invalid_input(fmt::format(
            "{} is not a {} of the fiscal year, which starts in month {}: {} is", ascii_upper(text),
            quarter ? "quarter" : "year", fiscal_start(), period.label()));
    return period;
}

std::vector<Period> periods_between(Date from, Date to, Granularity granularity) {
    if (to < from) throw invalid_input("the end comes before the start");
    std::vector<Period> periods;
    for (Period period = period_containing(from, granularity); period.first <= to;
         period = next_period(period)) {
        if (periods.size() == max_periods)
            throw invalid_input(
                fmt::format("more than {} periods; choose a longer --by or a "
                            "shorter range",
                            max_periods));
        periods.push_back(period);
    }
    return periods;
}

}  // namespace funnel
