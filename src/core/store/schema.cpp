#include "store/schema.hpp"

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "funnel/domain/stage.hpp"

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

// What surrounds a deal: contacts with a role, quotes, documents, products and their lines, and
// activities. calendar_id makes the UIDs of exported calendar entries unique to this file.
void related_records(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE opportunity_contact (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    opp_id     INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contact (id),
    role       TEXT NOT NULL DEFAULT 'other',
    is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (opp_id, contact_id)
);
CREATE INDEX opportunity_contact_by_contact ON opportunity_contact (contact_id);

CREATE TABLE quote (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    opp_id      INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    number      TEXT NOT NULL,
    amount      INTEGER CHECK (amount >= 0),
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired')),
    valid_until TEXT,
    file        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (opp_id, number)
);

CREATE TABLE document (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    opp_id     INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    location   TEXT NOT NULL,
    is_url     INTEGER NOT NULL CHECK (is_url IN (0, 1)),
    title      TEXT,
    size       INTEGER,
    sha256     TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX document_by_opportunity ON document (opp_id);

CREATE TABLE product (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind       TEXT NOT NULL CHECK (kind IN ('product', 'service')),
    unit       TEXT,
    price      INTEGER NOT NULL CHECK (price >= 0),
    currency   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE opportunity_line (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    opp_id         INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    product_id     INTEGER NOT NULL REFERENCES product (id),
    quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price     INTEGER NOT NULL CHECK (unit_price >= 0),
    discount_bp    INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    total          INTEGER NOT NULL CHECK (total >= 0),
    currency       TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX line_by_opportunity ON opportunity_line (opp_id);
CREATE INDEX line_by_product ON opportunity_line (product_id);

CREATE TABLE activity (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    opp_id           INTEGER REFERENCES opportunity (id) ON DELETE CASCADE,
    org_id           INTEGER REFERENCES organization (id),
    contact_id       INTEGER REFERENCES contact (id),
    type             TEXT NOT NULL CHECK (type IN ('call', 'meeting', 'task', 'email')),
    subject          TEXT NOT NULL,
    due_date         TEXT NOT NULL,
    due_minute       INTEGER CHECK (due_minute BETWEEN 0 AND 1439),
    duration_minutes INTEGER CHECK (duration_minutes > 0),
    notes            TEXT,
    owner            TEXT,
    done_on          TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX activity_by_due ON activity (done_on, due_date);
CREATE INDEX activity_by_opportunity ON activity (opp_id, updated_at);
CREATE INDEX activity_by_org ON activity (org_id);
CREATE INDEX activity_by_contact ON activity (contact_id);

INSERT INTO meta (key, value) VALUES ('calendar_id', lower(hex(randomblob(8))));
-- A deal's own contact is its primary contact.
INSERT INTO opportunity_contact (opp_id, contact_id, role, is_primary, created_at)
SELECT id, contact_id, 'other', 1, created_at FROM opportunity WHERE contact_id IS NOT NULL;
)sql");
}

// An imported deal keeps the id it had in the system it came from, so that importing the same
// file again finds it instead of adding it twice.
void external_ids(SQLite::Database& db) {
    db.exec(R"sql(
ALTER TABLE opportunity ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX opportunity_by_external_id ON opportunity (external_id)
    WHERE external_id IS NOT NULL;
)sql");
}

// `CHECK (state IN ('open', 'won', 'lost'))` made SQLite build a temporary table of the list
// each time a statement ran, five microseconds for each deal inserted (a third of an import's
// time writing deals). A list of more than two values becomes comparisons, which cost nothing.
// The constraints mean the same, so every row still satisfies them: the table definitions are
// edited in place, the way SQLite documents for changing constraints without copying the
// table (https://sqlite.org/lang_altertable.html#otheralter).
void check_lists_as_comparisons(SQLite::Database& db) {
    static const std::regex check(R"(CHECK \((\w+) IN \(('[^()]*')\)\))");
    static const std::regex value("'[^']*'");
    std::vector<std::pair<std::string, std::string>> edited;
    {
        SQLite::Statement tables(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'");
        while (tables.executeStep()) {
            const std::string sql = tables.getColumn(1).getString();
            std::string rewritten;
            auto last = sql.cbegin();
            for (std::sregex_iterator it(sql.begin(), sql.end(), check), end; it != end; ++it) {
                const auto& found = *it;
                const std::string list = found[2].str();
                std::vector<std::string> values;
                for (std::sregex_iterator v(list.begin(), list.end(), value), none; v != none; ++v)
                    values.push_back(v->str());
                if (values.size() <= 2) continue;  // already coded as comparisons
                rewritten.append(last, found[0].first);
                rewritten += "CHECK (";
                for (std::size_t i = 0; i < values.size(); ++i)
                    rewritten +=
                        fmt::format("{}{} = {}", i ? " OR " : "", found[1].str(), values[i]);
                rewritten += ")";
                last = found[0].second;
            }
            if (last == sql.cbegin()) continue;
            rewritten.append(last, sql.cend());
            edited.emplace_back(tables.getColumn(0).getString(), rewritten);
        }
    }
    if (edited.empty()) return;
    const int schema_version = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    for (const auto& [name, sql] : edited) {
        SQLite::Statement update(
            db, "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
        update.bind(1, sql);
        update.bind(2, name);
        update.exec();
    }
    // A new schema version makes every connection, this one included, read the definitions
    // again.
    db.exec(fmt::format("PRAGMA schema_version = {}", schema_version + 1));
    db.exec("PRAGMA writable_schema = OFF");
}

// Names match by Unicode case folding and NFC normalization, not SQLite's ASCII-only NOCASE:
// each name's folded key is stored beside it, indexed, so that lookups stay fast. funnel_fold
// is the store's own SQL function (fold_name), registered on every connection it opens; no
// trigger or index uses it, so other SQLite programs can still read and write the file (and
// db check finds keys they left wrong).
void name_keys(SQLite::Database& db) {
    db.exec(R"sql(
ALTER TABLE organization ADD COLUMN name_key TEXT;
UPDATE organization SET name_key = funnel_fold(name);
CREATE INDEX organization_by_key ON organization (name_key);
ALTER TABLE contact ADD COLUMN name_key TEXT;
UPDATE contact SET name_key = funnel_fold(name);
DROP INDEX contact_by_name;
CREATE INDEX contact_by_key ON contact (name_key);
ALTER TABLE product ADD COLUMN name_key TEXT;
UPDATE product SET name_key = funnel_fold(name);
CREATE INDEX product_by_key ON product (name_key);
)sql");
}

// A won or lost deal's close date is the day it closed, so that lists, calendars and reports
// put it in one period; before this version it kept the date expected. The expected date
// goes into the history, dated the day the deal closed, where the reports of slipped deals
// and as-of views read it.
void closed_close_dates(SQLite::Database& db) {
    db.exec(R"sql(
INSERT INTO opportunity_history (opp_id, changed_at, field, old_value, new_value, note)
SELECT id, closed_at || 'T00:00:00', 'close_date', close_date, closed_at,
       'the close date of a closed deal is the day it closed'
FROM opportunity WHERE state <> 'open' AND closed_at IS NOT NULL AND close_date <> closed_at
ORDER BY id;
UPDATE opportunity SET close_date = closed_at
WHERE state <> 'open' AND closed_at IS NOT NULL AND close_date <> closed_at;
)sql");
}

// Each change keeps when it was recorded beside when it happened (changed_at: the day given with
// --on, or a close's own day), so that a view of a past day shows what the file knew by then.
// Older files never kept it: see fill_recorded_times. The index by field covers it, for the
// as-of views that undo what was recorded after a moment.
void recorded_times(SQLite::Database& db) {
    db.exec(R"sql(
ALTER TABLE opportunity_history ADD COLUMN recorded_at TEXT;
DROP INDEX history_by_field;
CREATE INDEX history_by_field
    ON opportunity_history (field, opp_id, id, recorded_at, changed_at, old_value, new_value);
)sql");
    fill_recorded_times(db);
}

// A deal may have a forecast category of its own (opp edit --category), which counts instead of
// its stage's: NULL is the stage's. The forecast reads it with the open deals' amounts, so the
// covering index of open deals by close date carries it.
void deal_categories(SQLite::Database& db) {
    db.exec(R"sql(
ALTER TABLE opportunity ADD COLUMN category TEXT
    CHECK (category IS NULL OR category = 'pipeline' OR category = 'best-case'
           OR category = 'commit' OR category = 'omitted');
DROP INDEX opportunity_open_by_close;
CREATE INDEX opportunity_open_by_close
    ON opportunity (state, close_date, currency, stage_id, category, amount, probability);
)sql");
}

// A deal may have no amount yet (an import's blank cell): its amount is then 0, shown as no
// amount and listed by opp list --no-amount.
void unknown_amounts(SQLite::Database& db) {
    db.exec(R"sql(
ALTER TABLE opportunity ADD COLUMN no_amount INTEGER NOT NULL DEFAULT 0
    CHECK (no_amount = 0 OR (no_amount = 1 AND amount = 0));
)sql");
}

// Every command that writes is one change set, which funnel undo reverts (docs/undo.md). A
// change set keeps what it replaced: the rows it updated or deleted, as they were (change_row),
// and the ids of the rows it added, as ranges above each table's largest id before it
// (change_range), which costs an import nothing per row. Neither table is part of a dump.
void change_sets(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE change_set (
    id               INTEGER PRIMARY KEY,
    command          TEXT NOT NULL,
    made_at          TEXT NOT NULL,
    undoes           INTEGER,
    undone_by        INTEGER,
    sequences_before TEXT NOT NULL,
    sequences_after  TEXT NOT NULL
);
CREATE TABLE change_row (
    id         INTEGER PRIMARY KEY,
    change_set INTEGER NOT NULL,
    tbl        TEXT NOT NULL,
    row_key    NOT NULL,
    op         TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR op = 'delete'),
    old        TEXT
);
CREATE INDEX change_row_by_set ON change_row (change_set, id);
CREATE INDEX change_row_by_row ON change_row (tbl, row_key, change_set);
CREATE TABLE change_range (
    change_set INTEGER NOT NULL,
    tbl        TEXT NOT NULL,
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    PRIMARY KEY (change_set, tbl)
) WITHOUT ROWID;
)sql");
}

// Tags on deals, organizations and contacts: words of the user's own ("hot", "q4-push"), kept
// case-folded, each at most once per record, found by tag through their index.
void tags(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE opportunity_tag (
    id     INTEGER PRIMARY KEY,
    opp_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    tag    TEXT NOT NULL,
    UNIQUE (opp_id, tag)
);
CREATE INDEX opportunity_tag_by_tag ON opportunity_tag (tag, opp_id);
CREATE TABLE organization_tag (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    tag    TEXT NOT NULL,
    UNIQUE (org_id, tag)
);
CREATE INDEX organization_tag_by_tag ON organization_tag (tag, org_id);
CREATE TABLE contact_tag (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    UNIQUE (contact_id, tag)
);
CREATE INDEX contact_tag_by_tag ON contact_tag (tag, contact_id);
)sql");
}

// Custom fields (funnel field add): their definitions, and the values of deals, organizations and
// contacts, each once per record and field, deleted with either.
void custom_fields(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE field (
    id       INTEGER PRIMARY KEY,
    record   TEXT NOT NULL CHECK (record = 'opp' OR record = 'org' OR record = 'contact'),
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    type     TEXT NOT NULL CHECK (type = 'text' OR type = 'number' OR type = 'date'
                                  OR type = 'amount' OR type = 'choice'),
    choices  TEXT,
    position INTEGER NOT NULL,
    UNIQUE (record, name)
);
CREATE TABLE opportunity_field (
    id       INTEGER PRIMARY KEY,
    opp_id   INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    field_id INTEGER NOT NULL REFERENCES field (id) ON DELETE CASCADE,
    value    TEXT NOT NULL,
    UNIQUE (opp_id, field_id)
);
CREATE INDEX opportunity_field_by_field ON opportunity_field (field_id);
CREATE TABLE organization_field (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    field_id INTEGER NOT NULL REFERENCES field (id) ON DELETE CASCADE,
    value    TEXT NOT NULL,
    UNIQUE (org_id, field_id)
);
CREATE INDEX organization_field_by_field ON organization_field (field_id);
CREATE TABLE contact_field (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    field_id   INTEGER NOT NULL REFERENCES field (id) ON DELETE CASCADE,
    value      TEXT NOT NULL,
    UNIQUE (contact_id, field_id)
);
CREATE INDEX contact_field_by_field ON contact_field (field_id);
)sql");
}

// Exchange rates (funnel fx): 1 unit of from_currency is `rate` units of to_currency from `day`
// until the next rate of the pair. The rate is exact decimal text (format_rate's), never a float.
void exchange_rates(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE exchange_rate (
    id            INTEGER PRIMARY KEY,
    day           TEXT NOT NULL,
    from_currency TEXT NOT NULL,
    to_currency   TEXT NOT NULL,
    rate          TEXT NOT NULL,
    UNIQUE (from_currency, to_currency, day)
);
)sql");
}

// Sales quotas (funnel quota): an owner's, or the team's (owner NULL), for a month, quarter or
// year, kept as its days (so that a later fiscal year does not move it), once per owner
// (case-folded) and period.
void quotas(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE quota (
    id          INTEGER PRIMARY KEY,
    owner       TEXT,
    granularity TEXT NOT NULL CHECK (granularity = 'month' OR granularity = 'quarter'
                                     OR granularity = 'year'),
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL
);
CREATE UNIQUE INDEX quota_by_period
    ON quota (granularity, first_day, last_day, coalesce(owner, '') COLLATE NOCASE);
)sql");
}

// Migrations in order: the one at index i brings the file to version i + 1. Never edit one
// that has shipped; add another.
const std::vector<std::function<void(SQLite::Database&)>> migrations = {
    foundation,
    forecast_indexes,
    history_indexes,
    related_records,
    external_ids,
    check_lists_as_comparisons,
    name_keys,
    closed_close_dates,
    recorded_times,
    deal_categories,
    unknown_amounts,
    change_sets,
    tags,
    custom_fields,
    exchange_rates,
    quotas,
};

}  // namespace

void fill_recorded_times(SQLite::Database& db) {
    db.exec(R"sql(
UPDATE opportunity_history SET recorded_at = known.recorded
FROM (SELECT id, max(changed_at) OVER (PARTITION BY opp_id ORDER BY id) AS recorded
      FROM opportunity_history) AS known
WHERE known.id = opportunity_history.id AND opportunity_history.recorded_at IS NULL
)sql");
}

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
