// The forecast: what will close, and when, by period, per currency.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/period.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/reports/simulate.hpp"
#include "funnel/store/store.hpp"
#include "funnel/system/result_cache.hpp"

namespace funnel {

enum class ForecastGroup { none, stage, owner, type, org, category, source };
ForecastGroup parse_forecast_group(std::string_view text);  // throws Error(invalid)

// How a period's forecast is made.
//   recorded: Σ amount × probability of the open deals due in the period or overdue, as
//             recorded (what report forecast's weighted column says).
//   learned:  Σ amount × the rate learned for the deal's stage and where its close date lies
//             (in the period, overdue, later), plus the new business learned (learned.hpp).
//   run-rate: the mean amount won per period over the `window` periods before it.
enum class ForecastMethod { recorded, learned, run_rate };
ForecastMethod parse_forecast_method(std::string_view text);  // throws Error(invalid)
std::string_view to_string(ForecastMethod method);

inline constexpr int default_window = 3;
inline constexpr int max_window = 24;  // no more than learned_depth
// Past periods whose record gives the ranges of learned and run-rate forecasts (--simulate).
inline constexpr int ranged_periods = 12;

struct SimulationSettings {
    std::int64_t trials = default_trials;
    std::uint64_t seed = 1;
};

struct ForecastQuery {
    std::vector<Period> periods;  // consecutive, at least one
    Date today;
    ForecastGroup group = ForecastGroup::none;
    ReportScope scope;
    std::optional<SimulationSettings> simulation;
    ForecastMethod method = ForecastMethod::recorded;  // of the forecast column
    int window = default_window;
    // No method asked for: learned when the history is enough for it (LearnedRates::enough)
    // and the forecast is of whole periods, else recorded, said in a note.
    bool method_by_default = false;
    // Where the learned rates and backtests of this state of the file are kept between runs;
    // none: computed every time.
    ResultCache* cache = nullptr;
};

// Amounts in minor units of the row's currency.
struct ForecastFigures {
    std::int64_t open = 0;
    std::int64_t pipeline = 0;
    std::int64_t weighted = 0;  // the sum of the deals' weighted amounts
    std::int64_t commit = 0;
    std::int64_t best_case = 0;
    std::int64_t won = 0;
    std::int64_t won_amount = 0;
    std::int64_t lost = 0;
    std::int64_t lost_amount = 0;
    std::int64_t overdue = 0;
    // The amount expected won in the period, by the forecast's method (apply_method).
    std::optional<std::int64_t> forecast;
    std::optional<Outcome> outcome;
    // With --group owner and quotas for the periods shown (add_quotas): the quota in the row's
    // currency.
    std::optional<std::int64_t> quota;
};

struct ForecastRow {
    std::string currency;
    std::string period;  // a period label, or "total"
    // When grouped: the group's value, "(none)" for deals without one; none on the grand total.
    std::optional<std::string> group;
    bool total = false;
    ForecastFigures figures;
    int bucket = -1;  // the index of the period, or -1 on totals
    // In the section converted into query.scope.in's currency (--in), after the others.
    bool converted = false;
};

struct Forecast {
    bool grouped = false;
    bool simulated = false;
    bool with_quotas = false;  // quota, attainment, forecast_attainment and gap columns
    ForecastMethod method = ForecastMethod::recorded;
    std::optional<int> window;  // of learned and run-rate
    std::vector<ForecastRow> rows;
    std::vector<std::string> notes;  // what the method says of itself
};

// Where days fall among a forecast's periods.
class PeriodIndex {
  public:
    PeriodIndex(const std::vector<Period>& periods, Date today);
    // The period holding a day, if any.
    std::optional<int> bucket(Date day) const;
    // The period of an open deal: that of its close date, or the current one when overdue.
    std::optional<int> open_bucket(Date close_date) const;
    // The period that holds today, which takes the overdue deals, when reported.
    std::optional<int> current() const { return current_; }

  private:
    const std::vector<Period>& periods_;
    Date today_;
    std::optional<int> current_;
};

// The open deals a forecast reads.
OpenWindow open_window(const ForecastQuery& query);
bool in_window(const OpenWindow& window, Date close_date);

// Where a forecast's figures come from: the database, or deals rebuilt as of a past day.
struct ForecastSource {
    using OpenVisit = std::function<void(const OpenAggregate&)>;
    using ClosedVisit = std::function<void(const ClosedAggregate&)>;
    using DealVisit = std::function<void(const OpenDeal&)>;
    // Every aggregate the forecast counts.
    std::function<void(const OpenVisit&, const ClosedVisit&)> aggregates;
    // Every open deal it counts, in a fixed order (for the simulation).
    std::function<void(const DealVisit&)> open_deals;
};

Forecast forecast_from(const ForecastQuery& query, const std::vector<Stage>& stages,
                       const std::string& default_currency, const ForecastSource& source);

// The forecast from the database's aggregates. Open deals count in the period of their close
// date, overdue ones in the current period (when it is reported); won and lost deals in the
// period they closed. commit = won + open in commit; best case = commit + open in best-case.
Forecast compute_forecast(Store& store, const ForecastQuery& query);

// The same from aggregates made elsewhere (a pipeline rebuilt as of a past day).
Forecast combine_forecast(const ForecastQuery& query, const std::vector<Stage>& stages,
                          const std::string& default_currency,
                          const std::vector<OpenAggregate>& open,
                          const std::vector<ClosedAggregate>& closed);

// The index of the period that holds today, which takes the overdue deals, when reported.
std::optional<std::size_t> current_period(const ForecastQuery& query);

DealField field_of(ForecastGroup group);

// What learned and run-rate forecasts are made from: the file's history as known at the end of
// query.today (forecast_method.cpp).
struct ForecastBasis;

// The method a forecast is made with, decided before the forecast is computed (a recorded
// simulation is wasted on another method).
struct MethodChoice {
    ForecastQuery query;  // with the method chosen
    std::vector<std::string> notes;
    std::shared_ptr<const ForecastBasis> basis;  // none for recorded
};

// query.method; with method_by_default, learned when the history is enough for it and the
// forecast is of whole periods, else recorded with a note saying why. Reads the history for
// learned and run-rate (kept in query.cache). Error(invalid) for learned or run-rate asked for
// with --group, --owner or --type, which follow the recorded probabilities.
MethodChoice choose_method(Store& store, const ForecastQuery& query);

// Fills the forecast column by the method chosen. recorded: won + weighted, for every row.
// learned and run-rate: from the basis: periods over say what was won, the current period what
// was won so far plus what is expected, later periods what is expected; totals add the periods;
// with a simulation, ranges from the method's record (report backtest). Sets forecast.method.
void apply_method(Store& store, const MethodChoice& choice, Forecast& forecast);

// The rows with the keys of the contract: currency, period, group (when grouped), open,
// pipeline, weighted, commit, best_case, forecast, won, won_amount, lost, lost_amount, overdue,
// and p10, p50, p90 when simulated, then method and window; a bar of the weighted amount for
// people.
// With `in`, the converted rows say so (converted.hpp).
Table forecast_table(const Forecast& forecast, const AmountConverter* in = nullptr);

}  // namespace funnel
