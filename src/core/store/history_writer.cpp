#include "funnel/store/history_writer.hpp"

#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

struct HistoryWriter::Statements {
    explicit Statements(SQLite::Database& db)
        : by_key(db, "SELECT id, currency FROM opportunity WHERE external_id = ?"),
          by_id(db, "SELECT id, currency FROM opportunity WHERE id = ?"),
          changes(db,
                  "SELECT id, changed_at, coalesce(recorded_at, changed_at), field, old_value, "
                  "new_value FROM opportunity_history WHERE opp_id = ? ORDER BY "
                  "coalesce(recorded_at, changed_at), id"),
          remove(db, "DELETE FROM opportunity_history WHERE id = ? AND opp_id = ?"),
          insert(db, sql::insert_history),
          created(db,
                  "UPDATE opportunity_history SET changed_at = ?1, recorded_at = ?1 "
                  "WHERE opp_id = ?2 AND field = 'created'"),
          deal(db, "UPDATE opportunity SET created_at = ?, stage_changed_at = ? WHERE id = ?") {}

    sql::Cursor by_key, by_id, changes, remove, insert, created, deal;
};

HistoryWriter::HistoryWriter(Store& store)
    : statements_(std::make_unique<Statements>(store.connection_->db)), store_(store) {
    store.connection_->db.exec("PRAGMA cache_size = -16384");  // as DealWriter, for the same reason
}
HistoryWriter::~HistoryWriter() = default;

std::optional<HistoryWriter::Found> HistoryWriter::find(const std::string& key, bool or_by_id) {
    const auto read = [](sql::Cursor& query) -> std::optional<Found> {
        std::optional<Found> found;
        if (query.step())
            if (const auto currency = Currency::find(query.string(1)))
                found = Found{query.integer(0), *currency};
        query.reset();
        return found;
    };
    auto& s = *statements_;
    s.by_key.bind(1, key);
    if (auto found = read(s.by_key)) return found;
    if (!or_by_id) return std::nullopt;
    const auto id = sql::as_id(key);
    if (!id) return std::nullopt;
    s.by_id.bind(1, *id);
    return read(s.by_id);
}

Opportunity HistoryWriter::deal(std::int64_t id) {
    return store_.deals().get(id);
}

std::vector<DealChange> HistoryWriter::changes_of(std::int64_t id) {
    auto& q = statements_->changes;
    q.bind(1, id);
    std::vector<DealChange> changes;
    const auto optional_value = [&](int column) {
        return q.null(column) ? std::nullopt : std::optional<std::string>(q.string(column));
    };
    while (q.step())
        changes.push_back({q.integer(0), q.string(1), q.string(2), q.string(3), optional_value(4),
                           optional_value(5)});
    q.reset();
    return changes;
}

void HistoryWriter::apply(const Opportunity& deal, const HistoryRebuild& rebuild,
                          const std::string& note) {
    auto& s = *statements_;
    for (const std::int64_t id : rebuild.removed) {
        s.remove.bind(1, id);
        s.remove.bind(2, deal.id);
        s.remove.run();
    }
    for (const auto& [when, change] : rebuild.added) {
        sql::bind_change(s.insert, deal.id, when, when, change, note);
        s.insert.run();
    }
    if (rebuild.created_at != deal.created_at) {
        s.created.bind(1, rebuild.created_at);
        s.created.bind(2, deal.id);
        s.created.run();
    }
    s.deal.bind(1, rebuild.created_at);
    s.deal.bind(2, rebuild.stage_changed_at);
    s.deal.bind(3, deal.id);
    s.deal.run();
}

}  // namespace funnel
