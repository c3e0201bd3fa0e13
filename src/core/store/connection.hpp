// What the store's source files share: the connection, cursors and small binding helpers.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// The open data file that every store of a concern works through: the SQLite connection,
// where it is, and the schema version it was opened at.
namespace sql {
class Cursor;
}

// What the connection records of the transaction in progress as a change set (journal.hpp).
struct JournalState {
    std::string command;  // the command line a change set is made by; empty: none is recorded
    Timestamp made_at;
    // The tables recorded, once the pre-update hook is set on this connection: those with row ids
    // (whose new rows are ranges above their floor), and those without (meta), whose every
    // change is a row of the journal.
    std::vector<std::string> rowid_tables;
    std::vector<std::string> keyed_tables;
    struct Table {
        std::vector<std::string> columns;  // read once a row of the table is recorded
        int key_column = -1;               // the primary key's column in a table without row ids
    };
    std::unordered_map<std::string, Table> tables;
    bool hooked = false;
    std::optional<std::int64_t> change_set;  // the id of the change set being made
    bool recording = false;                  // whether the hook records rows
    std::optional<std::int64_t> undoes;      // the change set this one reverts
    // Each recorded table's largest row id when the change set began: rows above it are new.
    std::unordered_map<std::string, std::int64_t> floors;
    std::string sequences_before;
    // The rows recorded so far, written to change_row before the commit; `failed` when one could
    // not be (out of memory, or SQLite could not read a value), which fails the commit.
    // A value as stored: NULL, an integer, a real, or text (a blob's bytes as text).
    using Stored = std::variant<std::monostate, std::int64_t, double, std::string>;
    struct Row {
        std::string table;
        Stored key;
        const char* op = "";
        // The values it had, by column index: those an update changes, or all a delete takes.
        std::vector<std::pair<int, Stored>> old;
    };
    std::vector<Row> rows;
    bool failed = false;
};

struct Connection {
    std::filesystem::path path;
    bool on_disk = false;
    bool created = false;  // this process made the file
    SQLite::Database db;
    int version = 0;
    // Rows written to temporary tables, which change nothing in the file: a transaction that
    // wrote no others keeps the file's state stamp.
    std::int64_t scratch_changes = 0;
    JournalState journal;

    Connection(std::filesystem::path file, bool exists, SQLite::Database database);
    ~Connection();

    // A statement run once per deal of a change of many, prepared once per connection and
    // handed out reset, its parameters cleared.
    sql::Cursor& statement(const std::string& sql);

  private:
    std::unordered_map<std::string, std::unique_ptr<sql::Cursor>> statements_;
};

namespace sql {

// A deal's weighted amount, rounded as weighted_minor rounds it: totals sum these.
inline constexpr const char* weighted_amount = "((o.amount * o.probability + 50) / 100)";

// A prepared statement read through SQLite's C API. Reads of every deal or every change call
// the column accessors millions of times, and SQLiteCpp's Column objects cost a shared_ptr
// copy each; failures still throw SQLite::Exception.
class Cursor {
  public:
    Cursor(SQLite::Database& db, const std::string& sql);
    Cursor(Cursor&& other) noexcept : db_(other.db_), statement_(other.statement_) {
        other.statement_ = nullptr;
    }
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    void bind(int index, const std::string& value);
    void bind(int index, std::int64_t value);
    void bind_null(int index);
    // Empty text as NULL, as bind_text below.
    void bind_text(int index, const std::string& value) {
        if (value.empty())
            bind_null(index);
        else
            bind(index, value);
    }
    void bind_id(int index, const std::optional<std::int64_t>& id) {
        if (id)
            bind(index, *id);
        else
            bind_null(index);
    }
    // Moves to the next row; false at the end.
    bool step();
    // Runs a statement that returns no rows, then makes it ready to run again.
    void run();
    // Back to before the first step, bindings cleared.
    void reset();

    bool null(int column) const;
    std::int64_t integer(int column) const;
    std::string_view text(int column) const;  // valid until the next step
    std::string string(int column) const { return std::string(text(column)); }
    sqlite3_stmt* get() const { return statement_; }

  private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

// The number a "SELECT count(*) ... WHERE x = ?" query finds for `id`.
inline std::int64_t count_of(SQLite::Database& db, const char* sql, std::int64_t id) {
    SQLite::Statement query(db, sql);
    query.bind(1, id);
    query.executeStep();
    return query.getColumn(0).getInt64();
}

// A kind of record that one binder writes for both insert and update: its table and the
// columns the binder binds, from parameter 1 in this order. "name_key", where listed, is not
// bound: it is the folded name, funnel_fold(?1). Insert adds created_at when the record has one;
// update matches the id.
struct RecordKind {
    std::string_view table;
    std::vector<std::string_view> columns;
};
std::string insert_sql(const RecordKind& kind, bool with_created_at);
std::string update_sql(const RecordKind& kind);

// Binds a record's columns from parameter 1 on; returns the next parameter's index.
template <typename Record>
using Binder = int (*)(SQLite::Statement&, const Record&);

template <typename Record>
std::int64_t insert_record(SQLite::Database& db, const RecordKind& kind, const Record& record,
                           Binder<Record> bind) {
    constexpr bool stamped = requires {
        record.created_at;
    };
    SQLite::Statement insert(db, insert_sql(kind, stamped));
    [[maybe_unused]] const int next = bind(insert, record);
    if constexpr (stamped) insert.bind(next, record.created_at);
    insert.exec();
    return db.getLastInsertRowid();
}

template <typename Record>
void update_record(SQLite::Database& db, const RecordKind& kind, const Record& record,
                   Binder<Record> bind) {
    SQLite::Statement update(db, update_sql(kind));
    update.bind(bind(update, record), record.id);
    update.exec();
}

void delete_record(SQLite::Database& db, std::string_view table, std::int64_t id);

// A table or column name as SQL text, in double quotes.
inline std::string quoted_name(std::string_view name) {
    return fmt::format("\"{}\"", name);
}

// An argument that is all digits names a record by id.
inline std::optional<std::int64_t> as_id(std::string_view text) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    std::int64_t id = 0;
    for (const char c : text)
        id = id * 10 + (c - '0');
    return id;
}

// A record by id, else by its name folded (fold_name): what the lookups of organizations and
// products share. `select` is "SELECT columns FROM table", `read` makes the record of a row. Two
// records whose names fold alike (a file written before names were folded) make the name
// ambiguous: Error(conflict), naming `kinds` ("organizations").
template <typename Read>
auto find_by_id_or_name(SQLite::Database& db, const std::string& select, std::string_view kinds,
                        std::string_view id_or_name, Read read)
    -> std::optional<decltype(read(std::declval<SQLite::Statement&>()))> {
    const std::string wanted(trim(id_or_name));
    if (auto id = as_id(wanted)) {
        SQLite::Statement query(db, select + " WHERE id = ?");
        query.bind(1, *id);
        if (query.executeStep()) return read(query);
    }
    SQLite::Statement query(db, select + " WHERE name_key = funnel_fold(?) ORDER BY id");
    query.bind(1, wanted);
    if (!query.executeStep()) return std::nullopt;
    auto found = read(query);
    if (query.executeStep())
        throw conflict(
            fmt::format("{} {} and {} both match {}: use an id (db check lists such names)", kinds,
                        found.id, query.getColumn(0).getInt64(), in_quotes(wanted)));
    return found;
}

// Empty text is stored as NULL: "no next step" has one representation.
inline void bind_text(SQLite::Statement& statement, int index, const std::string& text) {
    if (text.empty())
        statement.bind(index);
    else
        statement.bind(index, text);
}

inline void bind_id(SQLite::Statement& statement, int index,
                    const std::optional<std::int64_t>& id) {
    if (id)
        statement.bind(index, *id);
    else
        statement.bind(index);
}

inline std::string text(const SQLite::Column& column) {
    return column.isNull() ? std::string{} : column.getString();
}

inline std::optional<std::int64_t> optional_id(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getInt64();
}

inline std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

// A new deal: bind_opportunity's 20 columns, then created_at as parameter 21.
inline constexpr const char* insert_opportunity =
    "INSERT INTO opportunity (name, org_id, contact_id, amount, currency, close_date, stage_id, "
    "state, probability, type, next_step, description, owner, source, updated_at, "
    "stage_changed_at, closed_at, lost_reason, external_id, category, no_amount, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// One row of a deal's history: prepare `insert_history` once, then bind_change and run for
// each change.
// `when` is when the change happened, `recorded` when the file learned of it.
inline constexpr const char* insert_history =
    "INSERT INTO opportunity_history (opp_id, changed_at, recorded_at, field, old_value, "
    "new_value, note) VALUES (?, ?, ?, ?, ?, ?, ?)";
void bind_change(Cursor& insert, std::int64_t opp_id, const Timestamp& when,
                 const Timestamp& recorded, const FieldChange& change, const std::string& note);

// A date column written by this store; a damaged value is reported, never guessed.
Date date(const SQLite::Column& column);
std::optional<Date> optional_date(const SQLite::Column& column);

// For a bulk write: drops the indexes of `tables` but `kept`, and returns the statements that
// create them again, which is several times faster, run once at the end, than keeping them up to
// date row by row. Inside the caller's transaction: a rollback restores them.
std::vector<std::string> drop_indexes(SQLite::Database& db, const std::vector<std::string>& tables,
                                      const std::vector<std::string>& kept);
void create_indexes(SQLite::Database& db, std::vector<std::string>& statements);

}  // namespace sql

namespace sql {
// A record's tags become `tags` (sorted): `table` is opportunity_tag, organization_tag or
// contact_tag, `key` its column of the record's id. Tags read back joined with ';' (by
// group_concat) split again with read_tags.
void replace_tags(Connection& connection, std::string_view table, std::string_view key,
                  std::int64_t id, const std::vector<std::string>& tags);
std::vector<std::string> read_tags(std::string_view joined);
// The subquery that reads a record's tags joined with ';': `id` is the record's id column.
std::string tags_of(std::string_view table, std::string_view key, std::string_view id);
}  // namespace sql

namespace sql {
// The table of the values of `record`'s custom fields.
const char* field_values_table(FieldRecord record);
// The subquery that reads a record's custom field values as JSON: `id` is its id column.
std::string field_values_of(FieldRecord record, std::string_view id);
// Those values, in the fields' order.
std::vector<FieldValue> read_field_values(std::string_view json);
// Writes what changed from `before` to `after` of a record's custom field values.
void replace_field_values(Connection& connection, FieldRecord record, std::int64_t id,
                          const std::vector<FieldValue>& before,
                          const std::vector<FieldValue>& after);
}  // namespace sql

// The columns both inserting and updating a deal write, in this order, from parameter 1.
void bind_opportunity(sql::Cursor& statement, const Opportunity& deal);

}  // namespace funnel
