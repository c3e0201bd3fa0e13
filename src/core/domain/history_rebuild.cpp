#include "funnel/domain/history_rebuild.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace funnel {

namespace {

// The fields whose history the snapshots give.
std::set<std::string> managed_fields(const SnapshotFields& fields) {
    std::set<std::string> names;
    if (fields.stage) names.insert({"stage", "probability", "closed_at"});
    if (fields.probability) names.insert("probability");
    if (fields.amount) names.insert({"amount", "currency"});
    if (fields.close_date) names.insert("close_date");
    if (fields.category) names.insert("category");
    return names;
}

// Blank fields of the first snapshot take the first value given later.
Snapshot first_values(const std::vector<Snapshot>& snapshots) {
    Snapshot first = snapshots.front();
    for (const auto& s : snapshots) {
        if (!first.stage_id) first.stage_id = s.stage_id;
        if (!first.amount_minor && s.amount_minor) {
            first.amount_minor = s.amount_minor;
            first.currency = s.currency;
        }
        if (!first.currency) first.currency = s.currency;
        if (!first.close_date) first.close_date = s.close_date;
        if (!first.category) first.category = s.category;
    }
    return first;
}

// The deal as a snapshot shows it, from the deal as the snapshot before showed it.
Opportunity apply(Opportunity deal, const Snapshot& snapshot, const std::vector<Stage>& stages) {
    const std::int64_t stage_before = deal.stage_id;
    const StageState state_before = deal.state;
    if (snapshot.currency) deal.amount.currency = *snapshot.currency;
    if (snapshot.amount_minor) deal.amount.minor = *snapshot.amount_minor;
    if (snapshot.close_date) deal.close_date = *snapshot.close_date;
    if (snapshot.category) deal.own_category = *snapshot.category;
    if (snapshot.stage_id) {
        if (const Stage* stage = stage_with_id(stages, *snapshot.stage_id)) {
            deal.stage_id = stage->id;
            deal.stage = stage->name;
            deal.state = stage->state;
            // A new stage brings its default probability unless the snapshot gives one.
            if (stage->id != stage_before && !snapshot.probability)
                deal.probability = stage->probability;
        }
    }
    if (snapshot.probability) deal.probability = *snapshot.probability;
    if (deal.state == StageState::won) deal.probability = 100;
    if (deal.state == StageState::lost) deal.probability = 0;
    // A closed deal's close date is the day it closed; reopened, it has none.
    if (deal.is_open())
        deal.closed_at.reset();
    else if (state_before == StageState::open || !deal.closed_at || snapshot.close_date)
        deal.closed_at = deal.close_date;
    return deal;
}

void add_changes(std::vector<DatedChange>& out, const Opportunity& before, const Opportunity& after,
                 const Timestamp& when, const std::set<std::string>& managed) {
    for (auto& change : changes_between(before, after))
        if (managed.count(change.field)) out.push_back({when, std::move(change)});
}

bool same(const DatedChange& added, const DealChange& existing) {
    return added.when == existing.changed_at && added.when == existing.recorded_at &&
           added.change.field == existing.field && added.change.old_value == existing.old_value &&
           added.change.new_value == existing.new_value;
}

}  // namespace

HistoryRebuild rebuild_history(const Opportunity& current, const std::vector<DealChange>& changes,
                               const std::vector<Snapshot>& snapshots, const SnapshotFields& fields,
                               const std::vector<Stage>& stages) {
    const std::set<std::string> managed = managed_fields(fields);
    HistoryRebuild result;
    result.created_at = std::min(current.created_at, snapshots.front().at);
    const Timestamp& last = snapshots.back().at;
    // What the snapshots cover: up to the last, or a closed deal's close when later (an import
    // of the deals recorded their closes on those days).
    Timestamp covered = last;
    if (!current.is_open() && current.closed_at)
        covered = std::max(covered, timestamp_at_start_of(*current.closed_at));

    std::vector<DealChange> replaced, kept_after;
    for (const auto& change : changes) {
        if (!managed.count(change.field)) continue;
        if (change.changed_at <= covered) {
            replaced.push_back(change);
            result.removed.push_back(change.id);
        } else {
            kept_after.push_back(change);
        }
    }
    // The deal just after what the snapshots cover: now, with the later changes undone.
    Opportunity from = current;
    from.created_at = result.created_at;
    const Opportunity after_covered =
        deal_as_of(from, kept_after, covered, stages).value_or(current);

    // The snapshots one after another, the first from the deal's values now for the fields it
    // leaves out.
    Opportunity state = apply(current, first_values(snapshots), stages);
    for (std::size_t i = 1; i < snapshots.size(); ++i) {
        Opportunity next = apply(state, snapshots[i], stages);
        add_changes(result.added, state, next, snapshots[i].at, managed);
        state = std::move(next);
    }
    // Joined to what follows: at the close the file recorded; else, when later changes of these
    // fields are known, at the last snapshot (the join must come before them); else when the
    // deal last changed, but never before the last snapshot.
    Timestamp join = covered;
    if (covered == last) join = kept_after.empty() ? std::max(last, current.updated_at) : last;
    add_changes(result.added, state, after_covered, join, managed);

    result.unchanged = result.created_at == current.created_at &&
                       result.added.size() == replaced.size() &&
                       std::equal(result.added.begin(), result.added.end(), replaced.begin(), same);
    // The stage was entered at its last change, or at creation.
    result.stage_changed_at = result.created_at;
    const auto later_stage_change = [&](const Timestamp& when) {
        result.stage_changed_at = std::max(result.stage_changed_at, when);
    };
    const bool stages_replaced = managed.count("stage") > 0;
    for (const auto& change : changes)
        if (change.field == "stage" && !(stages_replaced && change.changed_at <= covered))
            later_stage_change(change.changed_at);
    for (const auto& added : result.added)
        if (added.change.field == "stage") later_stage_change(added.when);
    return result;
}

}  // namespace funnel
