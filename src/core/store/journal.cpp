#include "store/journal.hpp"

#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/error.hpp"
#include "store/connection.hpp"

namespace funnel::journal {

namespace {

// The tables of the journal itself, which it does not record.
bool journal_table(std::string_view table) {
    return table == "change_set" || table == "change_row" || table == "change_range";
}

// Whether two values differ as stored: type and bytes, so that a change of case in a column
// that compares without case is a change too.
bool differ(sqlite3_value* a, sqlite3_value* b) {
    const int type = sqlite3_value_type(a);
    if (type != sqlite3_value_type(b)) {
        const bool numbers =
            (type == SQLITE_INTEGER || type == SQLITE_FLOAT) &&
            (sqlite3_value_type(b) == SQLITE_INTEGER || sqlite3_value_type(b) == SQLITE_FLOAT);
        return !numbers || sqlite3_value_double(a) != sqlite3_value_double(b);
    }
    switch (type) {
        case SQLITE_NULL:
            return false;
        case SQLITE_INTEGER:
            return sqlite3_value_int64(a) != sqlite3_value_int64(b);
        case SQLITE_FLOAT:
            return sqlite3_value_double(a) != sqlite3_value_double(b);
        default: {
            const int size = sqlite3_value_bytes(a);
            if (size != sqlite3_value_bytes(b)) return true;
            const void* left = sqlite3_value_blob(a);
            const void* right = sqlite3_value_blob(b);
            return size > 0 && std::memcmp(left, right, std::size_t(size)) != 0;
        }
    }
}

JournalState::Stored stored(sqlite3_value* value) {
    switch (sqlite3_value_type(value)) {
        case SQLITE_NULL:
            return std::monostate{};
        case SQLITE_INTEGER:
            return std::int64_t(sqlite3_value_int64(value));
        case SQLITE_FLOAT:
            return sqlite3_value_double(value);
        default:
            return std::string(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                               std::size_t(sqlite3_value_bytes(value)));
    }
}

nlohmann::json json_of(const JournalState::Stored& value) {
    return std::visit(
        [](const auto& v) -> nlohmann::json {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>)
                return nullptr;
            else
                return v;
        },
        value);
}

// Records a row that the statement running is about to insert, change or delete, as the undo
// needs it: an update keeps the columns it changes, as they were; a delete keeps them all. Rows
// of a table with row ids that are above its floor are new in this change set, and recorded as
// a range at the end instead; meta's state stamp is the file's, not a change of the user's.
void record(JournalState& state, sqlite3* db, int op, const char* table_name, sqlite3_int64 old_key,
            sqlite3_int64 new_key) {
    const auto found = state.tables.find(table_name);
    if (found == state.tables.end()) return;
    const auto& table = found->second;
    JournalState::Row row;
    if (table.key_column < 0) {
        const sqlite3_int64 key = op == SQLITE_INSERT ? new_key : old_key;
        const auto floor = state.floors.find(found->first);
        if (floor == state.floors.end() || key > floor->second) return;
        row.key = std::int64_t(key);
    } else {
        sqlite3_value* key = nullptr;
        const int read = op == SQLITE_INSERT ? sqlite3_preupdate_new(db, table.key_column, &key)
                                             : sqlite3_preupdate_old(db, table.key_column, &key);
        if (read != SQLITE_OK) {
            state.failed = true;
            return;
        }
        row.key = stored(key);
        if (const auto* text = std::get_if<std::string>(&row.key);
            text && found->first == "meta" && *text == "state")
            return;
    }
    row.table = found->first;
    row.op = op == SQLITE_INSERT ? "insert" : op == SQLITE_UPDATE ? "update" : "delete";
    if (op != SQLITE_INSERT) {
        const int count = sqlite3_preupdate_count(db);
        for (int i = 0; i < count; ++i) {
            sqlite3_value* old = nullptr;
            if (sqlite3_preupdate_old(db, i, &old) != SQLITE_OK) {
                state.failed = true;
                return;
            }
            if (op == SQLITE_UPDATE) {
                sqlite3_value* now = nullptr;
                if (sqlite3_preupdate_new(db, i, &now) != SQLITE_OK) {
                    state.failed = true;
                    return;
                }
                if (!differ(old, now)) continue;
            }
            row.old.emplace_back(i, stored(old));
        }
    }
    state.rows.push_back(std::move(row));
}

// The pre-update hook: called by SQLite before each row a statement writes. No exception may
// cross into SQLite: one that cannot be recorded fails the change set at its end.
void preupdate(void* data, sqlite3* db, int op, const char* schema, const char* table,
               sqlite3_int64 old_key, sqlite3_int64 new_key) {
    auto& state = *static_cast<JournalState*>(data);
    if (!state.recording || !state.change_set || std::strcmp(schema, "main") != 0) return;
    try {
        record(state, db, op, table, old_key, new_key);
    } catch (...) {
        state.failed = true;
    }
}

// Reads the tables to record and sets the hook: once per connection. Column names are read
// only for the tables a change set records rows of (column_names).
void install(Connection& connection) {
    auto& state = connection.journal;
    sql::Cursor tables(connection.db,
                       "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE type = "
                       "'table' AND name NOT LIKE 'sqlite%' ORDER BY name");
    while (tables.step()) {
        const std::string name = tables.string(0);
        if (journal_table(name)) continue;
        (tables.integer(1) ? state.keyed_tables : state.rowid_tables).push_back(name);
        state.tables.try_emplace(name);
    }
    for (const auto& name : state.keyed_tables) {
        sql::Cursor key(connection.db, "SELECT cid FROM pragma_table_info(?) WHERE pk = 1");
        key.bind(1, name);
        if (key.step()) state.tables[name].key_column = int(key.integer(0));
    }
    sqlite3_preupdate_hook(connection.db.getHandle(), preupdate, &state);
    state.hooked = true;
}

const std::vector<std::string>& column_names(Connection& connection, const std::string& table) {
    auto& columns = connection.journal.tables[table].columns;
    if (columns.empty()) {
        sql::Cursor info(connection.db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
        info.bind(1, table);
        while (info.step())
            columns.push_back(info.string(0));
    }
    return columns;
}

bool keeps_change_sets(Connection& connection) {
    return connection.db
               .execAndGet(
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = "
                   "'change_set'")
               .getInt() > 0;
}

std::string sequences(Connection& connection) {
    return connection.db
        .execAndGet(
            "SELECT coalesce(json_group_object(name, seq), '{}') FROM (SELECT name, seq FROM "
            "sqlite_sequence ORDER BY name)")
        .getString();
}

// Each table's largest row id, in one statement (one per table cost a prepare each).
std::unordered_map<std::string, std::int64_t> largest_ids(Connection& connection) {
    const auto& tables = connection.journal.rowid_tables;
    std::unordered_map<std::string, std::int64_t> ids;
    if (tables.empty()) return ids;
    std::string query;
    for (std::size_t i = 0; i < tables.size(); ++i)
        query += fmt::format("{}SELECT {}, coalesce(max(rowid), 0) FROM {}", i ? " UNION ALL " : "",
                             i, sql::quoted_name(tables[i]));
    auto& statement = connection.statement(query);
    while (statement.step())
        ids[tables[std::size_t(statement.integer(0))]] = statement.integer(1);
    statement.reset();
    return ids;
}

}  // namespace

void prepare(Connection& connection) {
    auto& state = connection.journal;
    if (state.command.empty() || state.hooked) return;
    if (keeps_change_sets(connection)) install(connection);
}

void begin(Connection& connection) {
    auto& state = connection.journal;
    if (state.command.empty() || !state.hooked) return;
    state.rows.clear();
    state.failed = false;
    state.change_set =
        connection.db.execAndGet("SELECT coalesce(max(id), 0) + 1 FROM change_set").getInt64();
    state.floors = largest_ids(connection);
    state.sequences_before = sequences(connection);
    state.undoes.reset();
    state.recording = true;
}

void finish(Connection& connection) {
    auto& state = connection.journal;
    if (!state.change_set) return;
    state.recording = false;
    if (state.failed)
        throw runtime_failure(
            "could not record this change for funnel undo (out of memory, or a row SQLite could "
            "not read); nothing was written");
    auto& db = connection.db;
    const std::int64_t id = *state.change_set;
    bool changed = state.undoes.has_value() || !state.rows.empty();
    for (const auto& row : state.rows) {
        auto& insert = connection.statement(
            "INSERT INTO change_row (change_set, tbl, row_key, op, old) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, id);
        insert.bind(2, row.table);
        if (const auto* real = std::get_if<double>(&row.key))
            sqlite3_bind_double(insert.get(), 3, *real);
        else if (const auto* integer = std::get_if<std::int64_t>(&row.key))
            insert.bind(3, *integer);
        else if (const auto* text = std::get_if<std::string>(&row.key))
            insert.bind(3, *text);
        else
            insert.bind_null(3);
        insert.bind(4, std::string(row.op));
        if (std::string_view(row.op) == "insert") {
            insert.bind_null(5);
        } else {
            const auto& columns = column_names(connection, row.table);
            auto image = nlohmann::json::object();
            for (const auto& [index, value] : row.old)
                image[columns.at(std::size_t(index))] = json_of(value);
            insert.bind(5, image.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        insert.run();
    }
    state.rows.clear();
    const auto last_ids = largest_ids(connection);
    for (const auto& table : state.rowid_tables) {
        const std::int64_t last = last_ids.at(table);
        const std::int64_t floor = state.floors[table];
        if (last <= floor) continue;
        auto& insert = connection.statement(
            "INSERT INTO change_range (change_set, tbl, first_id, last_id) VALUES (?, ?, ?, ?)");
        insert.bind(1, id);
        insert.bind(2, table);
        insert.bind(3, floor + 1);
        insert.bind(4, last);
        insert.run();
        changed = true;
    }
    if (!changed) {
        SQLite::Statement rows(db, "SELECT 1 FROM change_row WHERE change_set = ? LIMIT 1");
        rows.bind(1, id);
        changed = rows.executeStep();
    }
    if (!changed) return;
    SQLite::Statement insert(db,
                             "INSERT INTO change_set (id, command, made_at, undoes, "
                             "sequences_before, sequences_after) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, id);
    insert.bind(2, state.command);
    insert.bind(3, state.made_at);
    if (state.undoes)
        insert.bind(4, *state.undoes);
    else
        insert.bind(4);
    insert.bind(5, state.sequences_before);
    insert.bind(6, sequences(connection));
    insert.exec();
    if (state.undoes) {
        SQLite::Statement undone(db, "UPDATE change_set SET undone_by = ? WHERE id = ?");
        undone.bind(1, id);
        undone.bind(2, *state.undoes);
        undone.exec();
    }
    for (const auto* table : {"change_row", "change_range", "change_set"}) {
        SQLite::Statement forget(
            db, fmt::format("DELETE FROM {} WHERE {} <= ?", table,
                            std::string_view(table) == "change_set" ? "id" : "change_set"));
        forget.bind(1, id - kept_change_sets);
        forget.exec();
    }
}

void end(Connection& connection) {
    auto& state = connection.journal;
    state.recording = false;
    state.rows.clear();
    state.failed = false;
    state.change_set.reset();
    state.undoes.reset();
}

}  // namespace funnel::journal
