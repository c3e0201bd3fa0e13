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
