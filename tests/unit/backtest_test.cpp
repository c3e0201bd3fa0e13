#include "funnel/reports/backtest.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "funnel/error.hpp"
#include "store_fixtures.hpp"

using namespace funnel;
using namespace funnel::testing;

namespace {

Period month_of(int y, unsigned m) {
    return period_containing(Date{year{y}, month{m}, day{1}}, Granularity::month);
}

// A deal created on `created`, due on `close`, in `stage`; won on `won` when given.
void deal(Store& store, const std::string& name, std::int64_t amount, Date created, Date close,
          const std::string& stage, std::optional<Date> won = std::nullopt) {
    Organization org;
    org.name = name + " Inc";
    org.created_at = org.updated_at = timestamp_at_start_of(created);
    Opportunity d;
    d.name = name;
    d.org_id = store.parties().insert_organization(org);
    d.amount = {amount, Currency::parse("EUR")};
    d.close_date = close;
    d.created_at = d.updated_at = d.stage_changed_at = timestamp_at_start_of(created);
    const auto stages = store.stages().all();
    enter_first_stage(d, resolve_stage(stages, stage), std::nullopt);
    d.id = store.deals().insert(d);
    if (!won) return;
    Opportunity after = d;
    move_to_stage(after, resolve_stage(stages, "closed-won"), std::nullopt, *won, std::nullopt);
    store.deals().update(d, after, timestamp_at_start_of(*won), "");
}

}  // namespace

TEST_CASE("a backtest forecasts each period from what was known at its start") {
    Store store = Store::scratch("scratch.db");
    deal(store, "June", 100000, year{2026} / June / 1, year{2026} / June / 20, "prospecting",
         year{2026} / June / 20);
    deal(store, "July", 200000, year{2026} / July / 1, year{2026} / July / 10, "prospecting",
         year{2026} / July / 10);
    // Open at 50 % since August, due in September; won in October.
    deal(store, "Late", 400000, year{2026} / August / 2, year{2026} / September / 30, "quote-sent",
         year{2026} / October / 3);
    BacktestQuery query;
    query.periods = {month_of(2026, 9), month_of(2026, 10)};
    query.window = 2;
    query.simulation.trials = 100;
    const Backtest backtest = run_backtest(store, query);
    REQUIRE(backtest.rows.size() == 4);
    // September: the open deal at 50 %; nothing won.
    CHECK(backtest.rows[0].period == "2026-09");
    CHECK(backtest.rows[0].forecast == 200000);
    CHECK(backtest.rows[0].actual == 0);
    // October: still open on 30 September and overdue, so it counts; won in October.
    CHECK(backtest.rows[1].forecast == 200000);
    CHECK(backtest.rows[1].actual == 400000);
    // Run rates: July and August (200,000 / 2), then August and September (0).
    CHECK(backtest.rows[2].method == ForecastMethod::run_rate);
    CHECK(backtest.rows[2].forecast == 100000);
    CHECK(backtest.rows[3].forecast == 0);
    REQUIRE(backtest.summaries.size() == 2);
    CHECK(backtest.summaries[0].absolute_error == 200000 + 200000);
    CHECK(backtest.summaries[0].actual == 400000);
    CHECK(backtest.summaries[1].absolute_error == 100000 + 400000);
}

TEST_CASE("a run rate needs the file to reach back over its whole window") {
    Store store = Store::scratch("scratch.db");
    deal(store, "First", 100000, year{2026} / September / 1, year{2026} / September / 5,
         "prospecting", year{2026} / September / 5);
    BacktestQuery query;
    query.periods = {month_of(2026, 10)};
    query.method = ForecastMethod::run_rate;
    query.simulation.trials = 10;
    auto backtest = run_backtest(store, query);
    REQUIRE(backtest.rows.size() == 1);
    CHECK_FALSE(backtest.rows[0].forecast);  // July to September: the file starts in September
    query.window = 1;
    backtest = run_backtest(store, query);
    CHECK(backtest.rows[0].forecast == 100000);
}

TEST_CASE("forecast methods are named as the options take them") {
    CHECK(parse_forecast_method("recorded") == ForecastMethod::recorded);
    CHECK(parse_forecast_method(" Run-Rate ") == ForecastMethod::run_rate);
    CHECK(to_string(ForecastMethod::run_rate) == "run-rate");
    CHECK(parse_forecast_method("LEARNED") == ForecastMethod::learned);
    CHECK_THROWS_AS(parse_forecast_method("guess"), Error);
}

TEST_CASE("learned rates shrink each stage toward its bucket and each bucket toward all") {
    const Period q0 = month_of(2026, 6);
    const auto open_deal = [](std::int64_t stage, Date close) {
        Opportunity deal;
        deal.amount = {10000, Currency::parse("EUR")};
        deal.stage_id = stage;
        deal.close_date = close;
        deal.created_at = "2026-05-01T00:00:00";
        return deal;
    };
    const auto closed = [](Opportunity deal, StageState state, Date on) {
        deal.state = state;
        deal.closed_at = on;
        return deal;
    };
    const Date june_20 = year{2026} / June / 20, august_1 = year{2026} / August / 1;
    // Two deals of stage 1 due in June (one won in June), one of stage 2 due later (not won).
    const Opportunity a = open_deal(1, june_20), b = open_deal(1, june_20),
                      c = open_deal(2, august_1);
    RateLearner learner({q0}, {{0, 1}}, 1);
    const Opportunity a_won = closed(a, StageState::won, june_20);
    const Opportunity b_lost = closed(b, StageState::lost, june_20);
    learner.add({a}, {&a_won});
    learner.add({b}, {&b_lost});
    learner.add({c}, {&c});
    // A deal created in June and won there is new business, not a rate.
    Opportunity walk_in = closed(open_deal(1, june_20), StageState::won, june_20);
    walk_in.created_at = "2026-06-03T00:00:00";
    learner.add({std::nullopt}, {&walk_in});
    const auto rates = learner.finish();
    REQUIRE(rates.size() == 1);
    const LearnedRates& r = rates[0];
    // In units of the median deal (100.00): won 1 of 3 open.
    CHECK(r.overall == doctest::Approx(1.0 / 3));
    const double in = (1 + 2 * r.overall) / (2 + 2), later = (0 + 2 * r.overall) / (1 + 2);
    CHECK(r.rate(1, CloseBucket::in) == doctest::Approx((1 + 2 * in) / (2 + 2)));
    CHECK(r.rate(2, CloseBucket::later) == doctest::Approx((0 + 2 * later) / (1 + 2)));
    // A stage never seen in a bucket takes the bucket's rate; a bucket never seen, all's.
    CHECK(r.rate(3, CloseBucket::in) == doctest::Approx(in));
    CHECK(r.rate(1, CloseBucket::overdue) == doctest::Approx(r.overall));
    CHECK(r.new_business.at("EUR") == 10000);
    CHECK(r.closed == 2);
    CHECK(r.periods == 1);
    CHECK_FALSE(r.enough());
}

TEST_CASE("a learned forecast applies the rates per stage and bucket and adds new business") {
    LearnedRates rates;
    rates.overall = 0.5;
    rates.by_stage[{1, CloseBucket::in}] = 0.25;
    rates.new_business["EUR"] = 1000;
    const std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t> open = {
        {{1, CloseBucket::in}, 4000}, {{2, CloseBucket::later}, 100}};
    // 300 won so far + 4,000 x 25 % + 100 x 50 % + 1,000 x 40 % of the period ahead.
    CHECK(learned_forecast(rates, "EUR", open, 300, 0.4) == 300 + 1000 + 50 + 400);
    CHECK(learned_forecast(rates, "USD", open, 0, 1) == 1000 + 50);
}

TEST_CASE("learned rates recover known win rates within their 90 % intervals") {
    // 24 months; each begins with 40 open deals per stage and bucket, half in EUR (1,000.00),
    // half in USD (50,000.00), each won within the month at a known rate: the stage's, a fifth
    // of it when overdue, half of it when due later. Amounts are in units of their currency's
    // median deal, so every deal weighs one and the learned rate estimates a proportion.
    const std::map<std::int64_t, double> stage_rate{{1, 0.04}, {2, 0.10}, {3, 0.25}, {4, 0.45}};
    const std::map<CloseBucket, double> bucket_factor{
        {CloseBucket::in, 1.0}, {CloseBucket::overdue, 0.2}, {CloseBucket::later, 0.5}};
    std::vector<Period> periods;
    for (unsigned m = 1; m <= 24; ++m)
        periods.push_back(month_of(2024 + int(m - 1) / 12, (m - 1) % 12 + 1));
    RateLearner learner(periods, {{0, periods.size()}}, 3);
    Random random(2024);
    std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t> deals;
    for (std::size_t k = 0; k < periods.size(); ++k) {
        const Period& period = periods[k];
        for (const auto& [stage, rate] : stage_rate)
            for (const auto& [bucket, factor] : bucket_factor)
                for (int n = 0; n < 40; ++n) {
                    Opportunity open;
                    open.amount = n % 2 ? Money{100000, Currency::parse("EUR")}
                                        : Money{5000000, Currency::parse("USD")};
                    open.stage_id = stage;
                    open.close_date = bucket == CloseBucket::in        ? add_days(period.first, 20)
                                      : bucket == CloseBucket::overdue ? add_days(period.first, -10)
                                                                       : add_days(period.last, 30);
                    open.created_at = timestamp_at_start_of(add_days(period.first, -40));
                    Opportunity outcome = open;
                    // A uniform draw in [0, 1) from the top 53 bits.
                    if (double(random.next() >> 11) / 9007199254740992.0 < rate * factor) {
                        outcome.state = StageState::won;
                        outcome.closed_at = add_days(period.first, 14);
                    }
                    std::vector<std::optional<Opportunity>> at_start(periods.size());
                    at_start[k] = open;
                    learner.add(at_start, {&outcome});
                    ++deals[{stage, bucket}];
                }
    }
    const LearnedRates rates = learner.finish().front();
    CHECK(rates.enough());
    // Wilson's 90 % interval around each learned rate holds the true one.
    for (const auto& [stage_id, stage_true] : stage_rate)
        for (const auto& [bucket_kind, bucket_true] : bucket_factor) {
            // Copies: clang's lambdas (INFO's) do not capture structured bindings.
            const std::int64_t stage = stage_id;
            const CloseBucket bucket = bucket_kind;
            const double rate = stage_true, factor = bucket_true;
            const double n = double(deals[{stage, bucket}]), p = rates.rate(stage, bucket);
            const double z = 1.6449, centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            const double half =
                z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
            INFO("stage ", stage, ", bucket ", int(bucket), ": learned ", p, " of ", n);
            CHECK(std::abs(centre - rate * factor) <= half);
        }
}
