#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

namespace {

constexpr const char* change_set_columns =
    "SELECT id, command, made_at, undoes, undone_by FROM change_set";

ChangeSet read_change_set(sql::Cursor& row) {
    ChangeSet set;
    set.id = row.integer(0);
    set.command = row.string(1);
    set.made_at = row.string(2);
    if (!row.null(3)) set.undoes = row.integer(3);
    if (!row.null(4)) set.undone_by = row.integer(4);
    return set;
}

std::vector<ChangeSet> read_all(sql::Cursor& rows) {
    std::vector<ChangeSet> sets;
    while (rows.step())
        sets.push_back(read_change_set(rows));
    return sets;
}

void bind_json(sql::Cursor& statement, int index, const nlohmann::json& value) {
    if (value.is_string())
        statement.bind(index, value.get<std::string>());
    else if (value.is_number_integer())
        statement.bind(index, value.get<std::int64_t>());
    else if (value.is_number_float())
        sqlite3_bind_double(statement.get(), index, value.get<double>());
    else
        statement.bind_null(index);
}

// Whatever row a history row is, what people count are records: deals, organizations, contacts,
// stages, links; not the lines of a deal's history that come and go with them.
bool counted(std::string_view table) {
    return table != "opportunity_history";
}

}  // namespace

std::vector<ChangeSet> ChangeStore::recent(std::int64_t limit) {
    sql::Cursor rows(connection_->db,
                     fmt::format("{} ORDER BY id DESC LIMIT ?", change_set_columns));
    rows.bind(1, limit);
    return read_all(rows);
}

std::optional<ChangeSet> ChangeStore::find(std::int64_t id) {
    sql::Cursor rows(connection_->db, fmt::format("{} WHERE id = ?", change_set_columns));
    rows.bind(1, id);
    if (!rows.step()) return std::nullopt;
    return read_change_set(rows);
}

std::optional<ChangeSet> ChangeStore::last_undoable() {
    sql::Cursor rows(connection_->db,
                     fmt::format("{} WHERE undoes IS NULL AND undone_by IS NULL ORDER BY id DESC "
                                 "LIMIT 1",
                                 change_set_columns));
    if (!rows.step()) return std::nullopt;
    return read_change_set(rows);
}

std::vector<ChangeSet> ChangeStore::conflicts(std::int64_t id) {
    // A later change set conflicts when it changed or deleted a record this one changed, deleted
    // or added, or when it added a row with the id of a row this one deleted.
    sql::Cursor rows(connection_->db, fmt::format(R"sql(
WITH later AS (SELECT id FROM change_set WHERE id > ?1 AND undoes IS NULL AND undone_by IS NULL),
     clashing AS (
       SELECT r.change_set FROM change_row r JOIN later ON later.id = r.change_set
       WHERE EXISTS (SELECT 1 FROM change_row m
                     WHERE m.tbl = r.tbl AND m.row_key = r.row_key AND m.change_set = ?1)
          OR EXISTS (SELECT 1 FROM change_range g WHERE g.change_set = ?1 AND g.tbl = r.tbl
                     AND r.row_key BETWEEN g.first_id AND g.last_id)
       UNION
       SELECT g.change_set FROM change_range g JOIN later ON later.id = g.change_set
       WHERE EXISTS (SELECT 1 FROM change_row m WHERE m.change_set = ?1 AND m.op = 'delete'
                     AND m.tbl = g.tbl AND m.row_key BETWEEN g.first_id AND g.last_id))
{} WHERE id IN (SELECT change_set FROM clashing) ORDER BY id)sql",
                                                  change_set_columns));
    rows.bind(1, id);
    return read_all(rows);
}

ChangeStore::Reverted ChangeStore::undo(std::int64_t id) {
    auto& connection = *connection_;
    auto& state = connection.journal;
    if (!state.change_set)
        throw runtime_failure("an undo must be recorded as a change set of its own");
    const auto set = find(id);
    if (!set) throw not_found(fmt::format("no change set {}", id));
    // The undo's own writes are not recorded row by row: it is never undone itself.
    state.recording = false;
    state.undoes = id;
    auto& db = connection.db;
    db.exec("PRAGMA defer_foreign_keys = ON");
    const auto is_table = [&](const std::string& table) {
        return std::find(state.rowid_tables.begin(), state.rowid_tables.end(), table) !=
                   state.rowid_tables.end() ||
               std::find(state.keyed_tables.begin(), state.keyed_tables.end(), table) !=
                   state.keyed_tables.end();
    };
    const auto key_of = [&](const std::string& table) -> std::string {
        if (std::find(state.rowid_tables.begin(), state.rowid_tables.end(), table) !=
            state.rowid_tables.end())
            return "rowid";
        SQLite::Statement key(db, "SELECT name FROM pragma_table_info(?) WHERE pk = 1");
        key.bind(1, table);
        if (!key.executeStep()) throw runtime_failure(fmt::format("table {} has no key", table));
        return key.getColumn(0).getString();
    };
    Reverted reverted;
    std::map<std::string, std::string> keys;
    // What it changed and deleted, newest first.
    sql::Cursor rows(db,
                     "SELECT tbl, row_key, op, old FROM change_row WHERE change_set = ? ORDER BY "
                     "id DESC");
    rows.bind(1, id);
    while (rows.step()) {
        const std::string table = rows.string(0);
        if (!is_table(table)) continue;  // a table a later version of the file no longer has
        if (!keys.contains(table)) keys[table] = key_of(table);
        const std::string& key = keys[table];
        const std::string op(rows.text(2));
        sqlite3_value* row_key = sqlite3_column_value(rows.get(), 1);
        if (op == "insert") {
            auto& remove = connection.statement(
                fmt::format("DELETE FROM {} WHERE {} = ?", sql::quoted_name(table), key));
            sqlite3_bind_value(remove.get(), 1, row_key);
            remove.run();
            if (counted(table)) ++reverted.removed;
            continue;
        }
        const auto image = nlohmann::json::parse(rows.text(3));
        std::vector<std::pair<std::string, const nlohmann::json*>> values;
        for (const auto& [column, value] : image.items())
            values.emplace_back(column, &value);
        if (values.empty()) continue;  // an update that changed nothing
        std::string sql;
        if (op == "update") {
            std::string set_list;
            for (const auto& [column, value] : values)
                set_list +=
                    fmt::format("{}{} = ?", set_list.empty() ? "" : ", ", sql::quoted_name(column));
            sql = fmt::format("UPDATE {} SET {} WHERE {} = ?", sql::quoted_name(table), set_list,
                              key);
        } else {
            std::string names, marks;
            for (const auto& [column, value] : values) {
                names += fmt::format("{}{}", names.empty() ? "" : ", ", sql::quoted_name(column));
                marks += marks.empty() ? "?" : ", ?";
            }
            sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", sql::quoted_name(table), names,
                              marks);
        }
        auto& statement = connection.statement(sql);
        int index = 1;
        for (const auto& [column, value] : values)
            bind_json(statement, index++, *value);
        if (op == "update") sqlite3_bind_value(statement.get(), index, row_key);
        statement.run();
        if (counted(table)) ++(op == "update" ? reverted.restored : reverted.put_back);
    }
    // What it added.
    sql::Cursor ranges(db, "SELECT tbl, first_id, last_id FROM change_range WHERE change_set = ?");
    ranges.bind(1, id);
    while (ranges.step()) {
        const std::string table = ranges.string(0);
        if (!is_table(table)) continue;
        auto& remove = connection.statement(
            fmt::format("DELETE FROM {} WHERE rowid BETWEEN ? AND ?", sql::quoted_name(table)));
        remove.bind(1, ranges.integer(1));
        remove.bind(2, ranges.integer(2));
        remove.run();
        if (counted(table)) reverted.removed += sqlite3_changes64(db.getHandle());
    }
    // The id sequences it moved go back, unless a later change moved them on: an id is reused
    // only when the record that had it never existed.
    SQLite::Statement sequences(db,
                                "SELECT sequences_before, sequences_after FROM change_set WHERE "
                                "id = ?");
    sequences.bind(1, id);
    sequences.executeStep();
    const auto before = nlohmann::json::parse(sequences.getColumn(0).getString());
    const auto after = nlohmann::json::parse(sequences.getColumn(1).getString());
    for (const auto& [table, value] : after.items()) {
        const auto was = before.find(table);
        if (was != before.end() && *was == value) continue;
        SQLite::Statement current(db, "SELECT seq FROM sqlite_sequence WHERE name = ?");
        current.bind(1, table);
        if (!current.executeStep() || current.getColumn(0).getInt64() != value.get<std::int64_t>())
            continue;
        SQLite::Statement restore(db, was == before.end()
                                          ? "DELETE FROM sqlite_sequence WHERE name = ?1"
                                          : "UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1");
        restore.bind(1, table);
        if (was != before.end()) restore.bind(2, was->get<std::int64_t>());
        restore.exec();
    }
    return reverted;
}

}  // namespace funnel
