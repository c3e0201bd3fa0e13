// Looking back: the forecast and the pipeline as they stood at the end of a past day, rebuilt
// from the change history, and what changed since.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "funnel/formats/table.hpp"
#include "funnel/reports/forecast.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// The forecast of query.today's end, from the deals as they stood then: their stages,
// probabilities, amounts and close dates of the time; deals created later are absent. The
// scope filters apply to the values of the time.
Forecast forecast_as_of(Store& store, const ForecastQuery& query);

// Every deal as it is now and as the file knew it at each of `moments` (ascending; nothing at a
// moment before its creation), with the fields the reports read: one pass over the deals and
// the changes recorded after the first moment, whatever the number of moments.
void for_each_deal_at(
    Store& store, const std::vector<Timestamp>& moments,
    const std::function<void(const Opportunity&, const std::vector<std::optional<Opportunity>>&)>&
        visit);

// The open deals by stage at the end of `day`, with their days in stage counted to that day.
std::vector<StageAggregate> open_by_stage_as_of(Store& store, Date day, const ReportScope& scope);

// What changed in each period's pipeline (open amount) between the end of `since` and now:
// then + new + won + lost + reopened + pushed_out + pulled_in + amount_increased +
// amount_decreased = now, exactly, per currency and period and in the totals. Won, lost and
// decreases are negative. A deal moved to a later period counts as pushed out (negative where it
// was, positive where it went), to an earlier one as pulled in; overdue deals that rolled into
// the current period count as pushed out too.
Table forecast_changes(Store& store, const ForecastQuery& query, Date since);

}  // namespace funnel
