#include "schema.hpp"

#include <functional>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "funnel/stage.hpp"

namespace funnel::schema {

namespace {

void foundation(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE stage (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    label       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    category    TEXT NOT NULL CHECK (category IN ('pipeline', 'best-case', 'commit', 'closed', 'omitted')),
    state       TEXT NOT NULL CHECK (state IN ('open', 'won', 'lost')),
    stale_days  INTEGER NOT NULL DEFAULT 30 CHECK (stale_days > 0)
);

CREATE TABLE organization (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    industry   TEXT,
    website    TEXT,
    phone      TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE contact (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL COLLATE NOCASE,
    org_id     INTEGER REFERENCES organization (id),
    email      TEXT,
    phone      TEXT,
    title      TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contact_by_name ON contact (name);
CREATE INDEX contact_by_org ON contact (org_id);

CREATE TABLE opportunity (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    org_id           INTEGER REFERENCES organization (id),
    contact_id       INTEGER REFERENCES contact (id),
    amount           INTEGER NOT NULL CHECK (amount >= 0),
    currency         TEXT NOT NULL,
    close_date       TEXT NOT NULL,
    stage_id         INTEGER NOT NULL REFERENCES stage (id),
    state            TEXT NOT NULL CHECK (state IN ('open', 'won', 'lost')),
    probability      INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    type             TEXT NOT NULL CHECK (type IN ('new', 'existing')),
    next_step        TEXT,
    description      TEXT,
    owner            TEXT,
    source           TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    stage_changed_at TEXT NOT NULL,
    closed_at        TEXT,
    lost_reason      TEXT,
    CHECK (org_id IS NOT NULL OR contact_id IS NOT NULL)
);
CREATE INDEX opportunity_by_state_close ON opportunity (state, close_date);
CREATE INDEX opportunity_by_org ON opportunity (org_id);
CREATE INDEX opportunity_by_contact ON opportunity (contact_id);
CREATE INDEX opportunity_by_stage ON opportunity (stage_id);

CREATE TABLE opportunity_history (
    id         INTEGER PRIMARY KEY,
    opp_id     INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    changed_at TEXT NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    note       TEXT
);
CREATE INDEX history_by_opportunity ON opportunity_history (opp_id, id);
CREATE INDEX history_by_field_value ON opportunity_history (field, new_value);

INSERT INTO meta (key, value) VALUES ('default_currency', 'EUR');
)sql");
    SQLite::Statement insert(db,
                             "INSERT INTO stage (name, label, position, probability, category, "
                             "state, stale_days) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& stage : default_stages()) {
        insert.bind(1, stage.name);
        insert.bind(2, stage.label);
        insert.bind(3, stage.position);
        insert.bind(4, stage.probability);
        insert.bind(5, std::string(to_string(stage.category)));
        insert.bind(6, std::string(to_string(stage.state)));
        insert.bind(7, stage.stale_days);
        insert.exec();
        insert.reset();
    }
}

// The forecast reads open deals by close date and closed deals by the day they closed; these
// indexes cover those queries, so that the database never visits the table rows.
void forecast_indexes(SQLite::Database& db) {
    db.exec(R"sql(
DROP INDEX opportunity_by_state_close;
CREATE INDEX opportunity_open_by_close
    ON opportunity (state, close_date, currency, stage_id, amount, probability);
CREATE INDEX opportunity_closed_by_day ON opportunity (state, closed_at, currency, amount);
)sql");
}

// The reports that look back read the history of one field, or the changes after a moment, in
// deal order; the stale report reads open deals by their last change. The index by field
// covers the columns they read, so that they never visit the table.
void history_indexes(SQLite::Database& db) {
    db.exec(R"sql(
CREATE INDEX history_by_field
    ON opportunity_history (field, opp_id, id, changed_at, old_value, new_value);
CREATE INDEX history_by_time ON opportunity_history (changed_at);
CREATE INDEX opportunity_open_by_update ON opportunity (state, updated_at);
)sql");
}

// Migrations in order: the one at index i brings the file to version i + 1. Never edit one
// that has shipped; add another.
const std::vector<std::function<void(SQLite::Database&)>> migrations = {
    foundation,
    forecast_indexes,
    history_indexes,
};

}  // namespace

int latest_version() {
    return static_cast<int>(migrations.size());
}

int version_of(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, int target) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have upgraded the file while this one waited for the lock.
    const int current = version_of(db);
    if (current >= target) return;
    for (int version = current + 1; version <= target; ++version)
        migrations[version - 1](db);
    db.exec(fmt::format("PRAGMA application_id = {}", application_id));
    db.exec(fmt::format("PRAGMA user_version = {}", target));
    transaction.commit();
}

}  // namespace funnel::schema
