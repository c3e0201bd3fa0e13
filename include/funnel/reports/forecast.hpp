// The forecast: what will close, and when, by period, per currency.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/period.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/reports/simulate.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

enum class ForecastGroup { none, stage, owner, type, org, category, source };
ForecastGroup parse_forecast_group(std::string_view text);  // throws Error(invalid)

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
    std::optional<Outcome> outcome;
};

struct ForecastRow {
    std::string currency;
    std::string period;  // a period label, or "total"
    // When grouped: the group's value, "(none)" for deals without one; none on the grand total.
    std::optional<std::string> group;
    bool total = false;
    ForecastFigures figures;
    int bucket = -1;  // the index of the period, or -1 on totals
};

struct Forecast {
    bool grouped = false;
    bool simulated = false;
    std::vector<ForecastRow> rows;
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

// The rows with the keys of the contract: currency, period, group (when grouped), open,
// pipeline, weighted, commit, best_case, won, won_amount, lost, lost_amount, overdue, and
// p10, p50, p90 when simulated; a bar of the weighted amount for people.
Table forecast_table(const Forecast& forecast);

}  // namespace funnel
