#include "funnel/reports/forecast.hpp"

#include <doctest/doctest.h>

#include "domain_fixtures.hpp"

#include "funnel/error.hpp"

using namespace funnel;
using namespace funnel::test;
using namespace std::chrono;

namespace {
ForecastQuery query(ForecastGroup group = ForecastGroup::none) {
    ForecastQuery q;
    q.today = d(2026, 11, 16);
    q.periods = periods_between(d(2026, 11, 1), d(2027, 1, 31), Granularity::month);
    q.group = group;
    return q;
}
}  // namespace

TEST_CASE("the current period takes the overdue deals") {
    auto q = query();
    CHECK(current_period(q) == 0u);
    const std::vector<OpenAggregate> overdue = {
        {"EUR", d(2026, 10, 15), std::nullopt, 1, 1, 100, 10, std::nullopt, {}},
        {"EUR", d(2026, 11, 15), std::nullopt, 1, 1, 100, 10, std::nullopt, {}},
        {"EUR", d(2026, 11, 16), std::nullopt, 1, 1, 100, 10, std::nullopt, {}},  // today: not
                                                                                  // overdue
    };
    const Forecast in_range = combine_forecast(q, stages(), "EUR", overdue, {});
    CHECK(in_range.rows[0].figures.open == 3);
    CHECK(in_range.rows[0].figures.overdue == 2);
    q.periods = periods_between(d(2027, 1, 1), d(2027, 3, 31), Granularity::month);
    CHECK_FALSE(current_period(q));
    CHECK(combine_forecast(q, stages(), "EUR", overdue, {}).rows.back().figures.open == 0);
}

TEST_CASE("days fall in their period at month quarter and year ends") {
    auto q = query();
    q.periods = periods_between(d(2026, 10, 1), d(2028, 3, 31), Granularity::quarter);
    q.today = d(2026, 10, 1);
    const std::vector<OpenAggregate> open = {
        {"EUR", d(2026, 12, 31), std::nullopt, 1, 1, 1, 0, std::nullopt, {}},
        {"EUR", d(2027, 1, 1), std::nullopt, 1, 1, 10, 0, std::nullopt, {}},
        {"EUR", d(2028, 2, 29), std::nullopt, 1, 1, 100, 0, std::nullopt, {}},
        {"EUR", d(2028, 4, 1), std::nullopt, 1, 1, 1000, 0, std::nullopt, {}},  // after the last
                                                                                // period
    };
    const Forecast forecast = combine_forecast(q, stages(), "EUR", open, {});
    REQUIRE(forecast.rows.size() == 7);
    CHECK(forecast.rows[0].period == "2026Q4");
    CHECK(forecast.rows[0].figures.pipeline == 1);
    CHECK(forecast.rows[1].figures.pipeline == 10);
    CHECK(forecast.rows[5].period == "2028Q1");
    CHECK(forecast.rows[5].figures.pipeline == 100);
    CHECK(forecast.rows[6].figures.pipeline == 111);
}

TEST_CASE("a deal's own category counts instead of its stage's") {
    // Prospecting (pipeline) moved to commit by hand; renegotiation (commit) taken out of it.
    const std::vector<OpenAggregate> open = {
        {"EUR", d(2026, 11, 30), std::nullopt, 1, 1, 1'000, 100, ForecastCategory::commit, {}},
        {"EUR", d(2026, 11, 30), std::nullopt, 4, 1, 5'000, 3'500, ForecastCategory::pipeline, {}},
    };
    const Forecast forecast = combine_forecast(query(), stages(), "EUR", open, {});
    CHECK(forecast.rows[0].figures.commit == 1'000);
    CHECK(forecast.rows[0].figures.best_case == 1'000);
    auto grouped = query();
    grouped.group = ForecastGroup::category;
    const Forecast by_category = combine_forecast(grouped, stages(), "EUR", open, {});
    // In category order: the renegotiation deal as pipeline, then the prospecting one as commit.
    CHECK(by_category.rows[0].group == "pipeline");
    CHECK(by_category.rows[0].figures.pipeline == 5'000);
    CHECK(by_category.rows[1].group == "commit");
    CHECK(by_category.rows[1].figures.pipeline == 1'000);
}

TEST_CASE("commit and best case add won amounts and open categories") {
    // Stage ids: 1 prospecting, 3 quote-sent (best-case), 4 renegotiation (commit).
    const std::vector<OpenAggregate> open = {
        {"EUR", d(2026, 11, 30), std::nullopt, 1, 1, 1'000'000, 100'000, std::nullopt, {}},
        {"EUR", d(2026, 10, 15), std::nullopt, 3, 1, 800'000, 400'000, std::nullopt, {}},
        {"EUR", d(2026, 12, 1), std::nullopt, 4, 1, 3'000'000, 2'100'000, std::nullopt, {}},
    };
    const std::vector<ClosedAggregate> closed = {
        {"EUR", d(2026, 11, 5), std::nullopt, StageState::won, 2, 1'900'000, {}},
        {"EUR", d(2026, 11, 30), std::nullopt, StageState::lost, 1, 50'000, {}},
        {"EUR", d(2026, 10, 31), std::nullopt, StageState::lost, 1, 99, {}},  // before the range
    };
    const Forecast forecast = combine_forecast(query(), stages(), "EUR", open, closed);
    REQUIRE(forecast.rows.size() == 4);  // three months and the total
    const auto& nov = forecast.rows[0].figures;
    CHECK(forecast.rows[0].period == "2026-11");
    CHECK(nov.open == 2);
    CHECK(nov.pipeline == 1'800'000);
    CHECK(nov.weighted == 500'000);
    CHECK(nov.commit == 1'900'000);
    CHECK(nov.best_case == 2'700'000);
    CHECK(nov.won == 2);
    CHECK(nov.lost_amount == 50'000);
    CHECK(nov.overdue == 1);
    const auto& dec = forecast.rows[1].figures;
    CHECK(dec.commit == 3'000'000);
    CHECK(dec.best_case == 3'000'000);
    CHECK(forecast.rows[2].figures.open == 0);  // an empty month is still shown
    const auto& total = forecast.rows[3];
    CHECK(total.total);
    CHECK(total.period == "total");
    CHECK(total.figures.pipeline == 4'800'000);
    CHECK(total.figures.weighted == 2'600'000);
}

TEST_CASE("currencies are never added together") {
    const std::vector<OpenAggregate> open = {
        {"USD", d(2026, 11, 20), std::nullopt, 1, 1, 100, 10, std::nullopt, {}},
        {"EUR", d(2026, 11, 20), std::nullopt, 1, 1, 200, 20, std::nullopt, {}},
    };
    const Forecast forecast = combine_forecast(query(), stages(), "EUR", open, {});
    REQUIRE(forecast.rows.size() == 8);
    CHECK(forecast.rows[0].currency == "EUR");
    CHECK(forecast.rows[3].figures.pipeline == 200);
    CHECK(forecast.rows[4].currency == "USD");
    CHECK(forecast.rows[7].figures.pipeline == 100);
}

TEST_CASE("an empty pipeline shows the default currency") {
    const Forecast forecast = combine_forecast(query(), stages(), "GBP", {}, {});
    REQUIRE(forecast.rows.size() == 4);
    CHECK(forecast.rows[0].currency == "GBP");
}

TEST_CASE("groups follow stage order and deals without a value come last") {
    const std::vector<OpenAggregate> open = {
        {"EUR", d(2026, 11, 20), "quote-sent", 3, 1, 100, 50, std::nullopt, {}},
        {"EUR", d(2026, 11, 20), "prospecting", 1, 1, 100, 10, std::nullopt, {}},
    };
    const Forecast by_stage =
        combine_forecast(query(ForecastGroup::stage), stages(), "EUR", open, {});
    CHECK(by_stage.grouped);
    CHECK(by_stage.rows[0].group == "prospecting");
    CHECK(by_stage.rows[1].group == "quote-sent");
    const std::vector<OpenAggregate> owners = {
        {"EUR", d(2026, 11, 20), std::nullopt, 1, 1, 100, 10, std::nullopt, {}},
        {"EUR", d(2026, 11, 20), "zoe", 1, 1, 100, 10, std::nullopt, {}},
        {"EUR", d(2026, 11, 20), "Ann", 1, 1, 100, 10, std::nullopt, {}},
    };
    const Forecast by_owner =
        combine_forecast(query(ForecastGroup::owner), stages(), "EUR", owners, {});
    CHECK(by_owner.rows[0].group == "Ann");
    CHECK(by_owner.rows[1].group == "zoe");
    CHECK(by_owner.rows[2].group == "(none)");
    // One total per group, then the grand total without a group.
    CHECK(by_owner.rows.back().total);
    CHECK_FALSE(by_owner.rows.back().group);
    CHECK(by_owner.rows.back().figures.open == 3);
}

TEST_CASE("categories come from the stages and the closed states") {
    const std::vector<OpenAggregate> open = {
        {"EUR", d(2026, 11, 20), std::nullopt, 4, 1, 100, 70, std::nullopt, {}}};
    const std::vector<ClosedAggregate> closed = {
        {"EUR", d(2026, 11, 2), std::nullopt, StageState::won, 1, 50, {}}};
    const Forecast forecast =
        combine_forecast(query(ForecastGroup::category), stages(), "EUR", open, closed);
    CHECK(forecast.rows[0].group == "commit");
    CHECK(forecast.rows[1].group == "closed");
}

TEST_CASE("forecast table keys") {
    const Forecast forecast = combine_forecast(query(), stages(), "EUR", {}, {});
    const Table table = forecast_table(forecast);
    std::vector<std::string> keys;
    for (const auto& column : table.columns)
        if (column.audience != Audience::people) keys.push_back(column.key);
    CHECK(keys == std::vector<std::string>{"currency", "period", "open", "pipeline", "weighted",
                                           "commit", "best_case", "forecast", "won", "won_amount",
                                           "lost", "lost_amount", "overdue", "method", "window"});
    CHECK(parse_forecast_group("Org") == ForecastGroup::org);
    CHECK_THROWS_AS(parse_forecast_group("region"), Error);
}
