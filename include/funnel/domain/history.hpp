// The change history of deals, and deals as they stood at a past moment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel {

// One recorded change as stored: stage, org and contact by id, amounts in major units.
struct DealChange {
    std::int64_t id = 0;
    Timestamp changed_at;   // when it happened
    Timestamp recorded_at;  // when the file learned of it: changed_at or later
    std::string field;
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
};

// The last moment of a day: changes dated that day count as made by its end.
Timestamp end_of_day(Date date);

// The deal as the file knew it at `moment`, rebuilt from its current values by undoing, newest
// record first, every change recorded after `moment` (a change back-dated with --on counts from
// when it was recorded, not from its date). Nothing when it was created after `moment`.
// Stage, state and category come from `stages`; the organization's name is kept only while its
// id is the current one (callers look names up when they need them).
std::optional<Opportunity> deal_as_of(const Opportunity& current,
                                      const std::vector<DealChange>& changes,
                                      const Timestamp& moment, const std::vector<Stage>& stages);

// The same at each of `moments` (ascending), in one pass over the changes, newest first.
std::vector<std::optional<Opportunity>> deals_as_of(const Opportunity& current,
                                                    const std::vector<DealChange>& changes,
                                                    const std::vector<Timestamp>& moments,
                                                    const std::vector<Stage>& stages);

}  // namespace funnel
