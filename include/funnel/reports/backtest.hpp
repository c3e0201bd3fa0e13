// How wrong the forecast has been: for each past period, the forecast as the file knew it when
// the period began, against what was won in it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "funnel/domain/period.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/reports/forecast.hpp"
#include "funnel/reports/learned.hpp"
#include "funnel/reports/simulate.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// Trials of the recorded forecast's P10-P90 per period: a backtest simulates every period, and
// a thousand trials place the 10th and 90th percentiles within about a percentile.
inline constexpr std::int64_t backtest_trials = 1'000;

struct BacktestQuery {
    std::vector<Period> periods;  // complete past periods, consecutive
    ForecastMethod method = ForecastMethod::recorded;
    int window = default_window;
    SimulationSettings simulation{backtest_trials, 1};  // the recorded forecast's P10 and P90
    ResultCache* cache = nullptr;  // where backtests of this state of the file are kept
};

struct BacktestRow {
    std::string currency;
    std::string period;
    ForecastMethod method = ForecastMethod::recorded;
    // None when the method has nothing to go on: a run rate needs `window` periods of the file.
    std::optional<std::int64_t> forecast;
    std::int64_t actual = 0;  // won in the period, as the file says now
    // P10 and P90: the recorded probabilities' simulation; for the other methods, the forecast
    // times the 10th and 90th percentiles of actual / forecast of the periods before it.
    std::optional<Outcome> range;
    // In the section converted into one currency (--in): its forecast at the rates in force when
    // the period began (rate_day, the day before its first), its actual deal by deal at the rate
    // of the day each closed.
    bool converted = false;
    std::optional<Date> rate_day;
};

// One currency and method over every period that has a forecast.
struct BacktestSummary {
    std::string currency;
    ForecastMethod method = ForecastMethod::recorded;
    std::int64_t periods = 0;
    std::int64_t forecast = 0;        // Σ forecast
    std::int64_t actual = 0;          // Σ actual
    std::int64_t absolute_error = 0;  // Σ |forecast − actual|
    std::int64_t ranged = 0;          // periods with a P10–P90 range
    std::int64_t in_range = 0;        // and the actual in it
    bool converted = false;
};

struct Backtest {
    ForecastMethod method = ForecastMethod::recorded;
    int window = default_window;
    std::vector<BacktestRow> rows;  // per currency: the method's periods, then the run rate's
    std::vector<BacktestSummary> summaries;  // per currency: the method, then the run rate
};

// A period's learned forecast: `won` so far, plus each stage and bucket's open amount at its
// learned rate (rounded once per stage and bucket), plus the new business learned for the
// share `ahead` (0 to 1) of the period still to come.
std::int64_t learned_forecast(
    const LearnedRates& rates, const std::string& currency,
    const std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t>& open, std::int64_t won,
    double ahead);

// A range for a method without a simulation of its own, from how wrong it has been: P10 and P90
// are the forecast times the 10th and 90th percentiles of `ratios` (actual / forecast of past
// periods), P50 the forecast; nothing with fewer than min_past_errors ratios. As wide as the
// method's own record says, and no wider.
inline constexpr std::size_t min_past_errors = 4;
std::optional<Outcome> empirical_range(std::int64_t forecast, std::vector<double> ratios);
// The actual / forecast of a backtest's periods in a currency, by its method.
std::vector<double> forecast_ratios(const Backtest& backtest, const std::string& currency);

// Each period's forecast is made only from what was recorded before the period began (its
// first day's start); the run rate's periods are always added as the benchmark.
Backtest run_backtest(Store& store, const BacktestQuery& query);

// A last section with every currency converted into `in`'s (BacktestRow::converted), without
// ranges, and its summaries.
void add_converted_section(Store& store, const BacktestQuery& query, AmountConverter& in,
                           Backtest& backtest);

// Rows: currency, period, method, forecast, actual, error (forecast − actual), p10, p90,
// in_range; then per currency and method a row with period "summary": periods, wape
// (Σ|error| / Σ actual), bias (Σ forecast / Σ actual), coverage (share of periods in P10–P90).
// With `in`, the converted rows say so (converted.hpp).
Table backtest_table(const Backtest& backtest, const AmountConverter* in = nullptr);

// One line for a forecast's foot: how far off the method has been, per currency: "Backtest of
// 2026-05..2026-10 (learned): EUR WAPE 21.3 %, bias 1.07, 4 of 6 in range; ...".
std::string backtest_footer(const Backtest& backtest, const std::vector<Period>& periods);

// What a reader must not miss: a method further off than the run rate, per currency.
std::vector<std::string> backtest_notes(const Backtest& backtest);

// The record of `method` before the period holding query.today: a backtest of the
// ranged_periods complete periods before it, with query's window and cache. What --simulate's
// ranges and the forecast's foot are drawn from.
BacktestQuery record_before(const ForecastQuery& query, ForecastMethod method);

// The foot of a forecast for people: backtest_footer and backtest_notes of `method` over the
// last `count` periods of record_before (each range drawn from the periods before it), for the
// whole file (only the currency of query.scope, when it names one).
std::vector<std::string> recent_backtest_notes(Store& store, const ForecastQuery& query,
                                               ForecastMethod method, int count = 6);

}  // namespace funnel
