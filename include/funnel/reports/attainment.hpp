// Quotas against what was won and what is forecast: report attainment, per owner and for the
// team.
#pragma once

#include "funnel/domain/period.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// For one period, in the converter's currency (scope.in, required): each owner with a quota or
// deals in the period, then the team. quota (the team's own, else the sum of the owners'); won
// and won_amount in the period; attainment = won / quota; forecast as report forecast --group
// owner computes it (recorded: won plus the weighted open deals due in the period, overdue ones
// in the current period); forecast_attainment = forecast / quota; gap = quota - forecast, what
// is still to be found (the forecast counts what was won).
Report attainment_report(Store& store, const Period& period, Date today, const ReportScope& scope);

}  // namespace funnel
