// A deal's history rebuilt from snapshots that another CRM recorded (import history): each
// snapshot is the deal as that CRM knew it at a moment; consecutive snapshots become changes.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/history.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel {

// The deal at one moment. A field left out (a blank cell) is as in the snapshot before, or for
// the first, as in the first snapshot that gives it.
struct Snapshot {
    std::int64_t row = 0;  // of the file, for messages
    Timestamp at;
    std::optional<std::int64_t> stage_id;
    std::optional<std::int64_t> amount_minor;  // in the snapshot's currency
    std::optional<Currency> currency;
    std::optional<Date> close_date;
    std::optional<int> probability;
    // Given: the deal's own category, or none (the stage's; Salesforce's "Closed").
    std::optional<std::optional<ForecastCategory>> category;
};

// The fields the file has columns for: only their history is rebuilt.
struct SnapshotFields {
    bool stage = false;
    bool amount = false;  // amount or currency: the two go together
    bool close_date = false;
    bool probability = false;
    bool category = false;
};

struct HistoryRebuild {
    Timestamp created_at;               // the first snapshot's, when earlier than the deal's
    Timestamp stage_changed_at;         // the last stage change after the rebuild
    std::vector<std::int64_t> removed;  // ids of the changes the snapshots replace
    std::vector<DatedChange> added;     // each recorded when it happened
    bool unchanged = false;             // the history holds these changes already
};

// The changes of the managed fields (those `fields` names, and closed_at with the stage) dated
// up to the last snapshot, or up to a closed deal's close when later, are replaced by the
// changes between consecutive snapshots; one more change, at the last snapshot or the close,
// joins the last snapshot to what the file holds after it. Changes of other fields, and later
// changes, stay. The deal's creation moves back to the first snapshot when that is earlier.
// `snapshots` are sorted by moment and not empty; `changes` are the deal's, in the order they
// were recorded; `stages` give each stage's state and default probability. The join, with the
// changes it brings, is recorded after the snapshots' changes of its moment and before any later
// change of those fields.
HistoryRebuild rebuild_history(const Opportunity& current, const std::vector<DealChange>& changes,
                               const std::vector<Snapshot>& snapshots, const SnapshotFields& fields,
                               const std::vector<Stage>& stages);

}  // namespace funnel
