#include "store/connection.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

namespace sql {

Cursor::Cursor(SQLite::Database& db, const std::string& sql) : db_(db.getHandle()) {
    const int result = sqlite3_prepare_v2(db_, sql.c_str(), int(sql.size()), &statement_, nullptr);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

Cursor::~Cursor() {
    sqlite3_finalize(statement_);
}

void Cursor::bind(int index, const std::string& value) {
    const int result =
        sqlite3_bind_text(statement_, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

void Cursor::bind(int index, std::int64_t value) {
    const int result = sqlite3_bind_int64(statement_, index, value);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

void Cursor::bind_null(int index) {
    const int result = sqlite3_bind_null(statement_, index);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

bool Cursor::step() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) return true;
    if (result == SQLITE_DONE) return false;
    throw SQLite::Exception(db_, result);
}

void Cursor::run() {
    const int result = sqlite3_step(statement_);
    sqlite3_reset(statement_);
    if (result != SQLITE_DONE && result != SQLITE_ROW) throw SQLite::Exception(db_, result);
}

}  // namespace sql

Connection::Connection(std::filesystem::path file, bool exists, SQLite::Database database)
    : path(std::move(file)), on_disk(exists), db(std::move(database)) {}
Connection::~Connection() = default;

sql::Cursor& Connection::statement(const std::string& sql) {
    auto& cursor = statements_[sql];
    if (!cursor)
        cursor = std::make_unique<sql::Cursor>(db, sql);
    else
        cursor->reset();
    return *cursor;
}

namespace sql {

void Cursor::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

bool Cursor::null(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Cursor::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::string_view Cursor::text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    if (!text) return {};
    return {text, std::size_t(sqlite3_column_bytes(statement_, column))};
}

void bind_change(Cursor& insert, std::int64_t opp_id, const Timestamp& when,
                 const Timestamp& recorded, const FieldChange& change, const std::string& note) {
    insert.bind(1, opp_id);
    insert.bind(2, when);
    insert.bind(3, recorded);
    insert.bind(4, change.field);
    if (change.old_value)
        insert.bind(5, *change.old_value);
    else
        insert.bind_null(5);
    if (change.new_value)
        insert.bind(6, *change.new_value);
    else
        insert.bind_null(6);
    insert.bind_text(7, note);
}

Date date(const SQLite::Column& column) {
    const std::string text = column.getString();
    if (auto value = parse_iso_date(text)) return *value;
    throw runtime_failure(fmt::format("damaged date {} in the data file", text));
}

std::optional<Date> optional_date(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return date(column);
}

}  // namespace sql

namespace sql {

std::string insert_sql(const RecordKind& kind, bool with_created_at) {
    std::string names, values;
    for (const auto column : kind.columns) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", column);
        values += fmt::format("{}{}", values.empty() ? "" : ", ",
                              column == "name_key" ? "funnel_fold(?1)" : "?");
    }
    if (with_created_at) {
        names += ", created_at";
        values += ", ?";
    }
    return fmt::format("INSERT INTO {} ({}) VALUES ({})", kind.table, names, values);
}

std::string update_sql(const RecordKind& kind) {
    std::string set;
    for (const auto column : kind.columns)
        set += fmt::format("{}{} = {}", set.empty() ? "" : ", ", column,
                           column == "name_key" ? "funnel_fold(?1)" : "?");
    return fmt::format("UPDATE {} SET {} WHERE id = ?", kind.table, set);
}

void replace_tags(Connection& connection, std::string_view table, std::string_view key,
                  std::int64_t id, const std::vector<std::string>& tags) {
    std::vector<std::string> before;
    {
        auto& current = connection.statement(
            fmt::format("SELECT tag FROM {} WHERE {} = ? ORDER BY tag", table, key));
        current.bind(1, id);
        while (current.step())
            before.push_back(current.string(0));
    }
    for (const auto& tag : before)
        if (!std::binary_search(tags.begin(), tags.end(), tag)) {
            auto& remove = connection.statement(
                fmt::format("DELETE FROM {} WHERE {} = ? AND tag = ?", table, key));
            remove.bind(1, id);
            remove.bind(2, tag);
            remove.run();
        }
    for (const auto& tag : tags)
        if (!std::binary_search(before.begin(), before.end(), tag)) {
            auto& insert = connection.statement(
                fmt::format("INSERT INTO {} ({}, tag) VALUES (?, ?)", table, key));
            insert.bind(1, id);
            insert.bind(2, tag);
            insert.run();
        }
}

std::vector<std::string> read_tags(std::string_view joined) {
    if (joined.empty()) return {};
    auto tags = split(joined, ';');
    std::sort(tags.begin(), tags.end());
    return tags;
}

std::string tags_of(std::string_view table, std::string_view key, std::string_view id) {
    return fmt::format("(SELECT group_concat(tag, ';') FROM {} WHERE {} = {})", table, key, id);
}

void delete_record(SQLite::Database& db, std::string_view table, std::int64_t id) {
    SQLite::Statement remove(db, fmt::format("DELETE FROM {} WHERE id = ?", table));
    remove.bind(1, id);
    remove.exec();
}

std::vector<std::string> drop_indexes(SQLite::Database& db, const std::vector<std::string>& tables,
                                      const std::vector<std::string>& kept) {
    Cursor indexes(db,
                   "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS "
                   "NOT NULL ORDER BY name");
    std::vector<std::string> names, statements;
    while (indexes.step()) {
        const std::string name = indexes.string(0);
        if (std::find(tables.begin(), tables.end(), indexes.string(1)) == tables.end() ||
            std::find(kept.begin(), kept.end(), name) != kept.end())
            continue;
        names.push_back(name);
        statements.push_back(indexes.string(2));
    }
    for (const auto& name : names)
        db.exec("DROP INDEX " + quoted_name(name));
    return statements;
}

void create_indexes(SQLite::Database& db, std::vector<std::string>& statements) {
    for (const auto& sql : statements)
        db.exec(sql);
    statements.clear();
}

}  // namespace sql

std::optional<Error> database_failure(const std::exception& failure) {
    const auto* e = dynamic_cast<const SQLite::Exception*>(&failure);
    if (!e) return std::nullopt;
    const int code = e->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return conflict("the data file is busy: another process kept it locked; try again");
    if (code == SQLITE_CONSTRAINT)
        return conflict(fmt::format("refused by the data file: {}", e->what()));
    if (code == SQLITE_READONLY)
        return runtime_failure(fmt::format("cannot write the data file: {}", e->what()));
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return runtime_failure(fmt::format("the data file is damaged: {}", e->what()));
    if (code == SQLITE_FULL) return runtime_failure("the disk is full; nothing was written");
    // SQLite's sum() refuses to wrap around, as funnel's own totals do.
    if (std::string_view(e->what()).find("integer overflow") != std::string_view::npos)
        return runtime_failure(
            "a total is out of range: it passes 9,223,372,036,854,775,807 minor units, more than "
            "funnel adds exactly; narrow the report (--currency, --owner, fewer periods)");
    return runtime_failure(fmt::format("database error: {}", e->what()));
}

}  // namespace funnel
