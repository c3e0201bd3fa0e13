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
          deal(db, "UPDATE opportunity SET created_at = ?, stage_changed_at = ? WHERE id = ?"),
          staging(db, R"sql(
CREATE TEMP TABLE IF NOT EXISTS staged_snapshot (
    deal INTEGER NOT NULL, at TEXT NOT NULL, row INTEGER NOT NULL, stage INTEGER, amount INTEGER,
    currency TEXT, close_date TEXT, probability INTEGER, category TEXT))sql"),
          stage(db,
                "INSERT INTO temp.staged_snapshot (deal, at, row, stage, amount, currency, "
                "close_date, probability, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

    // The temporary table is made before the statement that fills it is prepared.
    struct Staging {
        Staging(SQLite::Database& db, const char* sql) { db.exec(sql); }
    };
    sql::Cursor by_key, by_id, changes, remove, insert, created, deal;
    Staging staging;
    sql::Cursor stage;
    std::vector<std::string> dropped;  // CREATE INDEX statements to run again
};

HistoryWriter::HistoryWriter(Store& store)
    : statements_(std::make_unique<Statements>(store.connection_->db)), store_(store) {}
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

void HistoryWriter::expect(std::int64_t changes) {
    auto& db = store_.connection_->db;
    // The writes touch many pages: 16 MiB of them in memory, as DealWriter keeps, once the
    // rows read are sorted (reading them needs few).
    db.exec("PRAGMA cache_size = -16384");
    if (!statements_->dropped.empty() || changes < 20'000 ||
        changes <= db.execAndGet("SELECT count(*) FROM opportunity_history").getInt64())
        return;
    statements_->dropped =
        sql::drop_indexes(db, {"opportunity_history"}, {"history_by_opportunity"});
}

void HistoryWriter::finish() {
    sql::create_indexes(store_.connection_->db, statements_->dropped);
}

void HistoryWriter::stage(std::int64_t deal_id, const Snapshot& snapshot) {
    auto& q = statements_->stage;
    q.bind(1, deal_id);
    q.bind(2, snapshot.at);
    q.bind(3, snapshot.row);
    const auto bind_integer = [&](int index, const std::optional<std::int64_t>& value) {
        if (value)
            q.bind(index, *value);
        else
            q.bind_null(index);
    };
    bind_integer(4, snapshot.stage_id);
    bind_integer(5, snapshot.amount_minor);
    if (snapshot.currency)
        q.bind(6, std::string(snapshot.currency->code()));
    else
        q.bind_null(6);
    if (snapshot.close_date)
        q.bind(7, format_date(*snapshot.close_date));
    else
        q.bind_null(7);
    bind_integer(8, snapshot.probability ? std::optional<std::int64_t>(*snapshot.probability)
                                         : std::nullopt);
    // Given as none (the stage's): empty text; not given: NULL.
    if (snapshot.category)
        q.bind(9, *snapshot.category ? std::string(to_string(**snapshot.category)) : "");
    else
        q.bind_null(9);
    q.run();
    ++store_.connection_->scratch_changes;
}

void HistoryWriter::for_each_staged(
    const std::function<void(std::int64_t, const std::vector<Snapshot>&)>& visit) {
    auto& db = store_.connection_->db;
    {
        sql::Cursor rows(db,
                         "SELECT deal, at, row, stage, amount, currency, close_date, probability, "
                         "category FROM temp.staged_snapshot ORDER BY deal, at, row");
        std::vector<Snapshot> snapshots;
        std::int64_t deal = 0;
        while (rows.step()) {
            if (rows.integer(0) != deal) {
                if (!snapshots.empty()) visit(deal, snapshots);
                snapshots.clear();
                deal = rows.integer(0);
            }
            Snapshot s;
            s.at = rows.string(1);
            s.row = rows.integer(2);
            if (!rows.null(3)) s.stage_id = rows.integer(3);
            if (!rows.null(4)) s.amount_minor = rows.integer(4);
            if (!rows.null(5)) s.currency = Currency::find(rows.text(5));
            if (!rows.null(6)) s.close_date = parse_iso_date(rows.text(6));
            if (!rows.null(7)) s.probability = int(rows.integer(7));
            if (!rows.null(8))
                s.category = rows.text(8).empty()
                                 ? std::optional<ForecastCategory>()
                                 : std::optional(parse_forecast_category(rows.text(8)));
            snapshots.push_back(std::move(s));
        }
        if (!snapshots.empty()) visit(deal, snapshots);
    }
    store_.connection_->scratch_changes += db.exec("DELETE FROM temp.staged_snapshot");
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
