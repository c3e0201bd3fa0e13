#include "funnel/domain/period.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned day) {
    return Date{year{y}, month{m}, std::chrono::day{day}};
}
const Date today = d(2026, 11, 16);
}  // namespace

TEST_CASE("periods contain their days and have labels") {
    const Period month = period_containing(d(2028, 2, 29), Granularity::month);
    CHECK(month.label() == "2028-02");
    CHECK(month.first == d(2028, 2, 1));
    CHECK(month.last == d(2028, 2, 29));
    const Period quarter = period_containing(d(2026, 12, 31), Granularity::quarter);
    CHECK(quarter.label() == "2026Q4");
    CHECK(quarter.first == d(2026, 10, 1));
    CHECK(quarter.contains(d(2026, 10, 1)));
    CHECK_FALSE(quarter.contains(d(2027, 1, 1)));
    const Period year_period = period_containing(d(2026, 6, 1), Granularity::year);
    CHECK(year_period.label() == "2026");
    CHECK(year_period.last == d(2026, 12, 31));
}

TEST_CASE("the next period crosses month quarter and year ends") {
    CHECK(next_period(period_containing(d(2026, 12, 5), Granularity::month)).label() == "2027-01");
    CHECK(next_period(period_containing(d(2026, 12, 5), Granularity::quarter)).label() == "2027Q1");
    CHECK(next_period(period_containing(d(2026, 1, 31), Granularity::month)).last ==
          d(2026, 2, 28));
    CHECK(next_period(period_containing(d(2027, 12, 31), Granularity::year)).label() == "2028");
}

TEST_CASE("period arguments name their days") {
    auto range = parse_period_argument("2026-11", today);
    CHECK(range.first == d(2026, 11, 1));
    CHECK(range.last == d(2026, 11, 30));
    range = parse_period_argument("2026Q4", today);
    CHECK(range.first == d(2026, 10, 1));
    CHECK(range.last == d(2026, 12, 31));
    range = parse_period_argument("2026", today);
    CHECK(range.last == d(2026, 12, 31));
    range = parse_period_argument("2028-02", today);
    CHECK(range.last == d(2028, 2, 29));
    range = parse_period_argument("+1m", today);
    CHECK(range.first == d(2026, 12, 16));
    CHECK(range.last == d(2026, 12, 16));
    range = parse_period_argument("2026-12-24", today);
    CHECK(range.first == d(2026, 12, 24));
    CHECK_THROWS_AS(parse_period_argument("2026-13", today), Error);
    CHECK_THROWS_AS(parse_period_argument("next month", today), Error);
    CHECK_THROWS_AS(parse_period_argument("", today), Error);
}

TEST_CASE("periods between two days") {
    const auto months = periods_between(d(2026, 11, 16), d(2027, 4, 1), Granularity::month);
    REQUIRE(months.size() == 6);
    CHECK(months.front().label() == "2026-11");
    CHECK(months.back().label() == "2027-04");
    CHECK(periods_between(d(2026, 11, 16), d(2026, 11, 16), Granularity::quarter).size() == 1);
    CHECK(periods_between(d(2026, 1, 1), d(2028, 12, 31), Granularity::year).size() == 3);
    CHECK_THROWS_WITH(periods_between(d(2027, 1, 1), d(2026, 1, 1), Granularity::month),
                      "the end comes before the start");
    CHECK_THROWS_AS(periods_between(d(2000, 1, 1), d(2030, 1, 1), Granularity::month), Error);
    CHECK(parse_granularity("Quarter") == Granularity::quarter);
    CHECK_THROWS_AS(parse_granularity("week"), Error);
}

namespace {

// Sets the fiscal year's first month for a test, and the calendar's back after it.
struct FiscalStart {
    explicit FiscalStart(int month) { set_fiscal_start(month); }
    ~FiscalStart() { set_fiscal_start(1); }
};

}  // namespace

TEST_CASE("a fiscal year starting in April: quarters and years across the calendar year's end") {
    const FiscalStart april(4);
    const Date nov = 2026y / November / 16;
    CHECK(fiscal_year_of(nov) == 2027);
    CHECK(quarter_of(nov) == 3);
    CHECK(start_of_quarter(nov) == 2026y / October / 1);
    CHECK(end_of_quarter(nov) == 2026y / December / 31);
    CHECK(start_of_year(nov) == 2026y / April / 1);
    CHECK(end_of_year(nov) == 2027y / March / 31);
    CHECK(fiscal_year_of(2027y / March / 31) == 2027);
    CHECK(fiscal_year_of(2027y / April / 1) == 2028);
    CHECK(period_containing(2027y / February / 1, Granularity::quarter).label() == "FY2027Q4");
    CHECK(period_containing(2027y / April / 1, Granularity::quarter).label() == "FY2028Q1");
    CHECK(period_containing(nov, Granularity::year).label() == "FY2027");
    CHECK(period_containing(nov, Granularity::month).label() == "2026-11");
    // eoq and eoy follow it; FY2027Q1 is April 2026; a plain 2026Q1 is still January.
    CHECK(parse_date("eoq", nov) == 2026y / December / 31);
    CHECK(parse_date("eoy", nov) == 2027y / March / 31);
    CHECK(parse_date("FY2027Q1", nov) == 2026y / April / 1);
    CHECK(parse_date("2026Q1", nov) == 2026y / January / 1);
    const DayRange fy = parse_period_argument("fy2027", nov);
    CHECK(fy.first == 2026y / April / 1);
    CHECK(fy.last == 2027y / March / 31);
    const DayRange q4 = parse_period_argument("FY2027Q4", nov);
    CHECK(q4.first == 2027y / January / 1);
    CHECK(q4.last == 2027y / March / 31);
    const auto quarters = periods_between(2026y / May / 1, 2027y / May / 1, Granularity::quarter);
    REQUIRE(quarters.size() == 5);
    CHECK(quarters.front().label() == "FY2027Q1");
    CHECK(quarters.back().label() == "FY2028Q1");
}

TEST_CASE("a fiscal year starting in February: quarters that are not the calendar's") {
    const FiscalStart february(2);
    const Date jan = 2027y / January / 15;
    CHECK(fiscal_year_of(jan) == 2027);  // February 2026 to January 2027
    CHECK(quarter_of(jan) == 4);
    CHECK(start_of_quarter(jan) == 2026y / November / 1);
    CHECK(end_of_quarter(jan) == 2027y / January / 31);
    CHECK(start_of_year(2027y / February / 1) == 2027y / February / 1);
    CHECK(period_containing(2027y / February / 1, Granularity::quarter).label() == "FY2028Q1");
    // A plain quarter stays the calendar's three months.
    const DayRange q1 = parse_period_argument("2027Q1", jan);
    CHECK(q1.first == 2027y / January / 1);
    CHECK(q1.last == 2027y / March / 31);
}

TEST_CASE("the calendar year by default") {
    CHECK(fiscal_start() == 1);
    CHECK(period_containing(2026y / November / 16, Granularity::quarter).label() == "2026Q4");
    CHECK(period_containing(2026y / November / 16, Granularity::year).label() == "2026");
    CHECK(parse_date("FY2026Q4", 2026y / November / 16) == 2026y / October / 1);
}
