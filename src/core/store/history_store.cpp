#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "funnel/store/history_store.hpp"
#include "store/connection.hpp"
#include "store/deal_rows.hpp"

namespace funnel {

std::vector<HistoryEntry> HistoryStore::of(std::int64_t opp_id) {
    SQLite::Statement query(connection_->db, R"sql(
SELECT h.id, h.opp_id, h.changed_at, h.field,
       CASE h.field
           WHEN 'stage' THEN coalesce((SELECT name FROM stage WHERE id = h.old_value), '#' || h.old_value)
           WHEN 'org' THEN coalesce((SELECT name FROM organization WHERE id = h.old_value), '#' || h.old_value)
           WHEN 'contact' THEN coalesce((SELECT name FROM contact WHERE id = h.old_value), '#' || h.old_value)
           ELSE h.old_value END,
       CASE h.field
           WHEN 'stage' THEN coalesce((SELECT name FROM stage WHERE id = h.new_value), '#' || h.new_value)
           WHEN 'org' THEN coalesce((SELECT name FROM organization WHERE id = h.new_value), '#' || h.new_value)
           WHEN 'contact' THEN coalesce((SELECT name FROM contact WHERE id = h.new_value), '#' || h.new_value)
           ELSE h.new_value END,
       h.note, coalesce(h.recorded_at, h.changed_at)
FROM opportunity_history h WHERE h.opp_id = ?
ORDER BY coalesce(h.recorded_at, h.changed_at), h.id)sql");
    query.bind(1, opp_id);
    std::vector<HistoryEntry> entries;
    while (query.executeStep()) {
        entries.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                           query.getColumn(2).getString(), query.getColumn(7).getString(),
                           query.getColumn(3).getString(), sql::optional_text(query.getColumn(4)),
                           sql::optional_text(query.getColumn(5)), sql::text(query.getColumn(6))});
    }
    return entries;
}

void HistoryStore::for_each_deal(
    const ReportScope& scope, const Filter& filter,
    const std::function<void(const Opportunity&, const std::vector<DealChange>&)>& visit) {
    const Where where = scope_where(*connection_, scope);
    sql::Cursor deals(connection_->db, select_opportunities(false) + where.sql + " ORDER BY o.id");
    bind_all(deals, where.values);

    // One cursor per part (a field's reads the (field, opp_id, id) index in order), or one for all.
    const char* const columns =
        "SELECT opp_id, id, changed_at, coalesce(recorded_at, changed_at), field, old_value, "
        "new_value FROM opportunity_history";
    std::vector<sql::Cursor> cursors;
    for (const auto& part : filter) {
        std::string sql = fmt::format("{} WHERE 1", columns);
        if (part.field) sql += " AND field = ?";
        if (part.after) sql += " AND coalesce(recorded_at, changed_at) > ?";
        if (part.closed_deals_only)
            sql += " AND opp_id IN (SELECT id FROM opportunity WHERE state <> 'open')";
        cursors.emplace_back(connection_->db, sql + " ORDER BY opp_id, id");
        int index = 1;
        if (part.field) cursors.back().bind(index++, *part.field);
        if (part.after) cursors.back().bind(index++, *part.after);
    }
    if (filter.empty())
        cursors.emplace_back(connection_->db, fmt::format("{} ORDER BY opp_id, id", columns));
    // The deal id each cursor stands on; 0 once it is done (ids start at 1).
    std::vector<std::int64_t> at;
    for (auto& cursor : cursors)
        at.push_back(cursor.step() ? cursor.integer(0) : 0);

    const auto optional_value = [](const sql::Cursor& row, int column) {
        return row.null(column) ? std::nullopt : std::optional<std::string>(row.string(column));
    };
    std::vector<DealChange> changes;
    while (deals.step()) {
        const Opportunity deal = read_opportunity(deals);
        changes.clear();
        for (std::size_t c = 0; c < cursors.size(); ++c) {
            auto& cursor = cursors[c];
            const auto advance = [&] { at[c] = cursor.step() ? cursor.integer(0) : 0; };
            while (at[c] && at[c] < deal.id)
                advance();
            while (at[c] == deal.id) {
                changes.push_back({cursor.integer(1), cursor.string(2), cursor.string(3),
                                   cursor.string(4), optional_value(cursor, 5),
                                   optional_value(cursor, 6)});
                advance();
            }
        }
        if (cursors.size() > 1) {
            // Parts may overlap: keep each change once, in the order it was recorded.
            std::sort(changes.begin(), changes.end(),
                      [](const DealChange& a, const DealChange& b) { return a.id < b.id; });
            changes.erase(
                std::unique(changes.begin(), changes.end(),
                            [](const DealChange& a, const DealChange& b) { return a.id == b.id; }),
                changes.end());
        }
        // In the order they were recorded: that of their ids, except for history imported
        // from another CRM, added after later changes of the deal.
        const auto recorded_first = [](const DealChange& a, const DealChange& b) {
            return std::tie(a.recorded_at, a.id) < std::tie(b.recorded_at, b.id);
        };
        if (!std::is_sorted(changes.begin(), changes.end(), recorded_first))
            std::sort(changes.begin(), changes.end(), recorded_first);
        visit(deal, changes);
    }
}

}  // namespace funnel
