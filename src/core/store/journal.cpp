#include "store/journal.hpp"

#include <fmt/format.h>

#include "store/connection.hpp"

namespace funnel::journal {

namespace {

// The tables of the journal itself, which it does not record.
bool journal_table(std::string_view table) {
    return table == "change_set" || table == "change_row" || table == "change_range";
}

// funnel_change_set(): the id of the change set being recorded, NULL when none is.
void change_set_function(sqlite3_context* context, int, sqlite3_value**) {
    const auto* state = static_cast<const JournalState*>(sqlite3_user_data(context));
    if (state->recording && state->change_set)
        sqlite3_result_int64(context, *state->change_set);
    else
        sqlite3_result_null(context);
}

// funnel_journal_floor(table): the table's largest row id when the change set began (rows above
// it are new, and recorded as a range), NULL when nothing is recorded.
void floor_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    const auto* state = static_cast<const JournalState*>(sqlite3_user_data(context));
    const auto* name = reinterpret_cast<const char*>(sqlite3_value_text(arguments[0]));
    if (!state->recording || !name) return sqlite3_result_null(context);
    const auto found = state->floors.find(name);
    if (found == state->floors.end()) return sqlite3_result_null(context);
    sqlite3_result_int64(context, found->second);
}

void register_functions(Connection& connection) {
    auto* handle = connection.db.getHandle();
    auto* state = &connection.journal;
    int result = sqlite3_create_function_v2(handle, "funnel_change_set", 0, SQLITE_UTF8, state,
                                            change_set_function, nullptr, nullptr, nullptr);
    if (result == SQLITE_OK)
        result = sqlite3_create_function_v2(handle, "funnel_journal_floor", 1, SQLITE_UTF8, state,
                                            floor_function, nullptr, nullptr, nullptr);
    if (result != SQLITE_OK) throw SQLite::Exception(handle, result);
}

// One AFTER trigger of `table` for `op` (INSERT, UPDATE or DELETE). A table with row ids records
// the rows that existed before the change set (at or below the floor); a table without records
// every row but meta's state stamp, which is the file's and not a change of the user's.
std::string trigger_sql(const std::string& table, const std::vector<std::string>& columns,
                        std::string_view op, const std::string& key) {
    const bool insert = op == "INSERT";
    const std::string row = insert ? "NEW" : "OLD";
    const bool rowid = key == "rowid";
    const std::string row_key = rowid ? row + ".rowid" : row + "." + sql::quoted_name(key);
    std::string when = rowid ? fmt::format("{} <= funnel_journal_floor('{}')", row_key, table)
                             : "funnel_change_set() IS NOT NULL";
    if (table == "meta") when += fmt::format(" AND {}.key <> 'state'", row);
    // An update keeps the columns it changed, as they were: all an undo writes back. A delete
    // keeps them all.
    std::string image = "NULL";
    if (op == "UPDATE") {
        std::string changed;
        for (const auto& column : columns)
            changed += fmt::format(
                " || CASE WHEN OLD.{0} IS NOT NEW.{0} THEN ',{1}:' || json_quote(OLD.{0}) ELSE '' "
                "END",
                sql::quoted_name(column), json_string(column));
        image = fmt::format("'{{' || substr(''{}, 2) || '}}'", changed);
    } else if (op == "DELETE") {
        image = "json_object(";
        for (std::size_t i = 0; i < columns.size(); ++i)
            image += fmt::format("{}'{}', OLD.{}", i ? ", " : "", columns[i],
                                 sql::quoted_name(columns[i]));
        image += ")";
    }
    std::string lower(op);
    for (auto& c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return fmt::format(
        "CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER {} ON main.{} WHEN {} BEGIN INSERT INTO "
        "change_row (change_set, tbl, row_key, op, old) VALUES (funnel_change_set(), '{}', {}, "
        "'{}', {}); END",
        sql::quoted_name(fmt::format("funnel_journal_{}_{}", table, lower)), op,
        sql::quoted_name(table), when, table, row_key, lower, image);
}

void install(Connection& connection) {
    register_functions(connection);
    auto& db = connection.db;
    sql::Cursor tables(db,
                       "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE type = "
                       "'table' AND name NOT LIKE 'sqlite%' ORDER BY name");
    std::vector<std::pair<std::string, bool>> found;
    while (tables.step())
        if (!journal_table(tables.text(0))) found.emplace_back(tables.string(0), tables.integer(1));
    for (const auto& [table, without_rowid] : found) {
        std::vector<std::string> columns;
        std::string key = "rowid";
        sql::Cursor info(db, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid");
        info.bind(1, table);
        while (info.step()) {
            columns.push_back(info.string(0));
            if (without_rowid && info.integer(1) == 1) key = info.string(0);
        }
        for (const auto op : {"INSERT", "UPDATE", "DELETE"})
            db.exec(trigger_sql(table, columns, op, key));
        (without_rowid ? connection.journal.keyed_tables : connection.journal.rowid_tables)
            .push_back(table);
    }
    connection.journal.triggers = true;
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

std::int64_t largest_id(Connection& connection, const std::string& table) {
    return connection.db
        .execAndGet(fmt::format("SELECT coalesce(max(rowid), 0) FROM {}", sql::quoted_name(table)))
        .getInt64();
}

}  // namespace

void prepare(Connection& connection) {
    auto& state = connection.journal;
    if (state.command.empty() || state.triggers) return;
    if (keeps_change_sets(connection)) install(connection);
}

void begin(Connection& connection) {
    auto& state = connection.journal;
    if (state.command.empty() || !state.triggers) return;
    state.change_set =
        connection.db.execAndGet("SELECT coalesce(max(id), 0) + 1 FROM change_set").getInt64();
    state.floors.clear();
    for (const auto& table : state.rowid_tables)
        state.floors[table] = largest_id(connection, table);
    state.sequences_before = sequences(connection);
    state.undoes.reset();
    state.recording = true;
}

void finish(Connection& connection) {
    auto& state = connection.journal;
    if (!state.change_set) return;
    state.recording = false;
    auto& db = connection.db;
    const std::int64_t id = *state.change_set;
    bool changed = state.undoes.has_value();
    for (const auto& table : state.rowid_tables) {
        const std::int64_t last = largest_id(connection, table);
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
    state.change_set.reset();
    state.undoes.reset();
}

}  // namespace funnel::journal
