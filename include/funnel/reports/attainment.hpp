// Quotas against what was won and what is forecast: report attainment, per owner and for the
// team.
#pragma once

#include "funnel/domain/period.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/reports/forecast.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// For one period, in the converter's currency (scope.in, required): each owner with a quota or
// deals in the period, then the team. quota (the team's own, else the sum of the owners'); won
// and won_amount in the period; attainment = won / quota; forecast as report forecast --group
// owner computes it (recorded: won plus the weighted open deals due in the period, overdue ones
// in the current period); forecast_attainment = forecast / quota; gap = quota - forecast, what
// is still to be found (the forecast counts what was won).
Report attainment_report(Store& store, const Period& period, Date today, const ReportScope& scope);

// report forecast --group owner: each row's quota (ForecastFigures::quota), when quotas are set
// for the periods shown. A row gets its owner's quota for its period in its currency: as set in
// that currency, or converted on the converted section (query.scope.in); an owner's total the sum
// of those of the periods shown, the grand total the team's (its own, else the owners' sum).
void add_quotas(Store& store, const ForecastQuery& query, Forecast& forecast);

}  // namespace funnel
