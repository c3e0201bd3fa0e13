// The whole data file in and out: the JSON dump (docs/dump.md) and its restore.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <limits>
#include <map>
#include <ostream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "funnel/system/paths.hpp"
#include "store/checks.hpp"
#include "store/connection.hpp"
#include "store/schema.hpp"
#include "store/store_rows.hpp"

namespace funnel {

namespace {

constexpr std::string_view dump_format = "funnel-dump";
constexpr int dump_format_version = 1;

// Writes the current row of a cursor as a JSON object, every column by its stored type;
// `skip` names a column left out.
void write_row(std::string& out, sqlite3_stmt* row, const char* skip = nullptr) {
    out += '{';
    bool first = true;
    const int columns = sqlite3_column_count(row);
    for (int c = 0; c < columns; ++c) {
        const char* name = sqlite3_column_name(row, c);
        if (skip && std::strcmp(name, skip) == 0) continue;
        if (!first) out += ", ";
        first = false;
        out += json_string(name);
        out += ": ";
        switch (sqlite3_column_type(row, c)) {
            case SQLITE_INTEGER:
                out += std::to_string(sqlite3_column_int64(row, c));
                break;
            case SQLITE_FLOAT:
                out += fmt::format("{}", sqlite3_column_double(row, c));
                break;
            case SQLITE_NULL:
                out += "null";
                break;
            default: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, c));
                out +=
                    json_string(std::string_view(text, std::size_t(sqlite3_column_bytes(row, c))));
            }
        }
    }
    out += '}';
}

// A table's columns as a dump holds them, in table order: all but name_key, which the store
// derives from the name (and a restore derives again).
std::vector<std::string> dump_columns(SQLite::Database& db, const std::string& table) {
    std::vector<std::string> columns;
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    info.bind(1, table);
    while (info.executeStep())
        if (info.getColumn(0).getString() != "name_key")
            columns.push_back(info.getColumn(0).getString());
    return columns;
}

std::set<std::string> columns_of(SQLite::Database& db, const std::string& table) {
    const auto columns = dump_columns(db, table);
    return {columns.begin(), columns.end()};
}

// The tables whose ids come from a sequence (AUTOINCREMENT): never reused.
const std::set<std::string> autoincrement_tables = {
    "organization", "contact",          "opportunity", "opportunity_contact", "quote", "document",
    "product",      "opportunity_line", "activity",
};

// A JSON value as the row rules see it.
rows::Value value_of(const nlohmann::json& value) {
    using Kind = rows::Value::Kind;
    if (value.is_null()) return {};
    // A dump holds numbers, text and nulls, as SQLite does: never true or false.
    if (value.is_boolean()) return {Kind::other, 0, value.dump()};
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
        return {Kind::out_of_range, 0, value.dump()};
    if (value.is_number_integer()) return {Kind::integer, value.get<std::int64_t>(), {}};
    if (value.is_string()) return {Kind::text, 0, value.get<std::string>()};
    if (value.is_number_float()) return {Kind::real, 0, value.dump()};
    return {Kind::other, 0, value.dump().substr(0, 40)};  // an object or array
}

// A version number of the dump's header: 0 when absent, refused when not a whole number.
std::int64_t version_in(const nlohmann::json& document, const char* key) {
    const auto found = document.find(key);
    if (found == document.end()) return 0;
    const rows::Value version = value_of(*found);
    if (version.kind != rows::Value::Kind::integer)
        throw invalid_input(fmt::format("not a funnel dump: {} is not a whole number", key));
    return version.integer;
}

// Restores rows as the parser hands them over, one at a time: the document is never held whole.
class Restorer {
  public:
    explicit Restorer(SQLite::Database& db) : db_(db) {
        for (const auto& table : rows::top_tables)
            columns_[table.table] = columns_of(db, table.table);
        for (const auto& table : rows::deal_tables)
            columns_[table.table] = columns_of(db, table.table);
    }

    // Inserts a row of `table` after checking it by the rules the commands write with;
    // `label` names it in errors ("opportunities[3]").
    void insert(const std::string& table, const nlohmann::json& row, const std::string& label,
                std::optional<std::int64_t> opp_id = std::nullopt) {
        if (!row.is_object())
            throw invalid_input(fmt::format("{} of the dump is not an object", label));
        const auto& known = columns_.at(table);
        rows::Row checked;
        std::vector<std::pair<std::string, const nlohmann::json*>> values;
        for (const auto& [name, value] : row.items()) {
            if (table == "opportunity" && value.is_array()) continue;  // its records
            if (!known.contains(name))
                throw invalid_input(fmt::format(
                    "{} has a field {} that this funnel does not know (a dump from a newer "
                    "funnel?)",
                    label, in_quotes(name)));
            checked.emplace_back(name, value_of(value));
            values.emplace_back(name, &value);
        }
        if (opp_id) {
            if (row.contains("opp_id"))
                throw invalid_input(fmt::format("{} has an opp_id: its deal gives it", label));
            checked.emplace_back("opp_id", rows::Value{rows::Value::Kind::integer, *opp_id, {}});
        }
        if (auto problem = rows::problem(table, checked, true))
            throw invalid_input(fmt::format("{} {}", label, *problem));
        if (opp_id) values.emplace_back("opp_id", nullptr);
        std::string names, marks;
        for (const auto& [name, value] : values) {
            names += (names.empty() ? "" : ", ") + name;
            marks += marks.empty() ? "?" : ", ?";
        }
        const std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", table, names, marks);
        auto& statement = statements_[sql];
        if (!statement) statement = std::make_unique<SQLite::Statement>(db_, sql);
        statement->reset();
        statement->clearBindings();
        int index = 1;
        for (const auto& [name, value] : values) {
            if (!value)
                statement->bind(index, *opp_id);
            else if (value->is_null())
                statement->bind(index);
            else if (value->is_number_integer())
                statement->bind(index, value->get<std::int64_t>());
            else
                statement->bind(index, value->get<std::string>());
            ++index;
        }
        try {
            statement->exec();
        } catch (const SQLite::Exception& e) {
            throw invalid_input(fmt::format("{} is refused: {}", label, e.getErrorStr()));
        }
        if (table != "opportunity") return;
        const std::int64_t id = db_.getLastInsertRowid();
        for (const auto& child : rows::deal_tables) {
            const auto records = row.find(child.key);
            if (records == row.end()) continue;
            if (!records->is_array())
                throw invalid_input(fmt::format("{} {} is not an array", label, child.key));
            std::size_t n = 0;
            for (const auto& record : *records)
                insert(child.table, record, fmt::format("{} {}[{}]", label, child.key, n++), id);
        }
    }

  private:
    SQLite::Database& db_;
    std::map<std::string, std::set<std::string>> columns_;
    std::map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace

void Dump::write(std::ostream& out, const Timestamp& now) {
    auto& db = connection_->db;
    std::string buffer;
    const auto flush = [&](bool force) {
        if (!force && buffer.size() < (1 << 16)) return;
        out.write(buffer.data(), std::streamsize(buffer.size()));
        buffer.clear();
    };
    // One read transaction: the dump is of one moment, whoever writes meanwhile.
    connection_->db.exec("BEGIN");
    buffer += fmt::format(
        "{{\n  \"format\": \"{}\",\n  \"format_version\": {},\n  \"schema_version\": {},\n  "
        "\"exported_at\": {}",
        dump_format, dump_format_version, connection_->version, json_string(now));
    for (const auto& table : rows::top_tables) {
        buffer += fmt::format(",\n  \"{}\": [", table.key);
        sql::Cursor rows(
            connection_->db,
            fmt::format("SELECT {} FROM {} {}",
                        join(dump_columns(connection_->db, table.table), ", "), table.table,
                        // The state stamp names this file's state, not what a dump holds.
                        std::string_view(table.table) == "meta"
                            ? "WHERE key != 'state' ORDER BY key"
                            : "ORDER BY id"));
        const bool deals = std::string_view(table.table) == "opportunity";
        // The records of deals, read side by side with them in deal order.
        std::vector<std::unique_ptr<sql::Cursor>> records;
        std::vector<bool> more;
        if (deals)
            for (const auto& child : rows::deal_tables) {
                records.push_back(std::make_unique<sql::Cursor>(
                    db, fmt::format("SELECT * FROM {} ORDER BY opp_id, id", child.table)));
                more.push_back(records.back()->step());
            }
        bool first = true;
        while (rows.step()) {
            buffer += first ? "\n    " : ",\n    ";
            first = false;
            if (!deals) {
                write_row(buffer, rows.get());
                flush(false);
                continue;
            }
            write_row(buffer, rows.get());
            buffer.pop_back();  // the closing brace: the records go inside
            const std::int64_t id = sqlite3_column_int64(rows.get(), 0);
            for (std::size_t c = 0; c < records.size(); ++c) {
                buffer += fmt::format(", \"{}\": [", rows::deal_tables[c].key);
                // opp_id is the second column of every record table.
                bool first_record = true;
                while (more[c] && sqlite3_column_int64(records[c]->get(), 1) == id) {
                    if (!first_record) buffer += ", ";
                    first_record = false;
                    write_row(buffer, records[c]->get(), "opp_id");
                    more[c] = records[c]->step();
                }
                buffer += ']';
            }
            buffer += '}';
            flush(false);
        }
        buffer += first ? "]" : "\n  ]";
    }
    buffer += ",\n  \"sequences\": {";
    {
        sql::Cursor sequences(connection_->db,
                              "SELECT name, seq FROM sqlite_sequence ORDER BY name");
        bool first = true;
        while (sequences.step()) {
            buffer += first ? "" : ", ";
            first = false;
            buffer +=
                json_string(reinterpret_cast<const char*>(sqlite3_column_text(sequences.get(), 0)));
            buffer += ": " + std::to_string(sqlite3_column_int64(sequences.get(), 1));
        }
    }
    buffer += "}\n}\n";
    connection_->db.exec("COMMIT");
    flush(true);
    out.flush();
}

void Dump::restore(std::istream& in) {
    auto& db = connection_->db;
    const std::int64_t records =
        db.execAndGet(
              "SELECT (SELECT count(*) FROM opportunity) + (SELECT count(*) FROM organization) + "
              "(SELECT count(*) FROM contact) + (SELECT count(*) FROM product) + "
              "(SELECT count(*) FROM activity)")
            .getInt64();
    if (records > 0)
        throw conflict(fmt::format(
            "{} holds data already: import all restores into an empty data file (give --db NEW)",
            connection_->path.string()));
    db.exec("PRAGMA defer_foreign_keys = ON");
    db.exec("DELETE FROM stage; DELETE FROM meta;");
    Restorer restorer(db);
    std::string key;  // the top-level key being read
    std::map<std::string, std::string> tables;
    for (const auto& table : rows::top_tables)
        tables[table.key] = table.table;
    std::map<std::string, std::size_t> read;  // rows of each key so far
    const auto callback = [&](int depth, nlohmann::json::parse_event_t event,
                              nlohmann::json& parsed) {
        if (depth == 1 && event == nlohmann::json::parse_event_t::key)
            key = parsed.get<std::string>();
        // A table's rows are objects: anything else in its array is refused, not passed over.
        if (depth == 2 && tables.contains(key) &&
            (event == nlohmann::json::parse_event_t::value ||
             event == nlohmann::json::parse_event_t::array_start))
            throw invalid_input(fmt::format("{}[{}] of the dump is not an object", key, read[key]));
        if (depth == 2 && event == nlohmann::json::parse_event_t::object_end &&
            tables.contains(key)) {
            restorer.insert(tables[key], parsed, fmt::format("{}[{}]", key, read[key]++));
            return false;  // restored: not kept
        }
        return true;
    };
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(in, callback);
    } catch (const nlohmann::json::exception& e) {
        throw invalid_input(fmt::format("not a funnel dump: {}", e.what()));
    }
    const auto format = document.is_object() ? document.find("format") : document.end();
    if (format == document.end() || !format->is_string() || *format != dump_format)
        throw invalid_input(
            fmt::format("not a funnel dump: expected \"format\": \"{}\"", dump_format));
    if (version_in(document, "format_version") > dump_format_version ||
        version_in(document, "schema_version") > schema::latest_version())
        throw invalid_input("the dump was written by a newer funnel; upgrade funnel to restore it");
    if (auto sequences = document.find("sequences"); sequences != document.end()) {
        if (!sequences->is_object()) throw invalid_input("sequences of the dump is not an object");
        for (const auto& [table, value] : sequences->items()) {
            const rows::Value seq = value_of(value);
            if (!autoincrement_tables.contains(table))
                throw invalid_input(
                    fmt::format("sequence {} is not one of funnel's", in_quotes(table)));
            if (seq.kind != rows::Value::Kind::integer || seq.integer < 0 ||
                seq.integer > rows::max_id)
                throw invalid_input(fmt::format("sequence {} is {}: not from 0 to {}",
                                                in_quotes(table), value.dump().substr(0, 40),
                                                rows::max_id));
            // A table whose rows have all been deleted has a sequence and no row: the next id
            // must still come after the ones it gave.
            SQLite::Statement set(db,
                                  "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0 WHERE NOT "
                                  "EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)");
            set.bind(1, table);
            set.exec();
            SQLite::Statement update(db,
                                     "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?");
            update.bind(1, seq.integer);
            update.bind(2, table);
            update.exec();
        }
    }
    for (const char* table : rows::named_tables)
        db.exec(fmt::format("UPDATE {} SET name_key = funnel_fold(name)", table));
    SQLite::Statement dangling(
        db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1");
    if (dangling.executeStep())
        throw invalid_input(
            fmt::format("the dump is inconsistent: row {} of {} refers to a missing row of {}",
                        dangling.getColumn(1).getInt64(), dangling.getColumn(0).getString(),
                        dangling.getColumn(2).getString()));
    // What db check would find wrong across rows (two stages at one position, a deal whose
    // state is not its stage's, ...) is refused here, so that what a restore accepts is sound.
    schema::fill_recorded_times(db);
    for (const auto& check : checks_of(db, CheckDepth::across_rows))
        if (!check.problems.empty())
            throw invalid_input(fmt::format("the dump is inconsistent: {}: {}", check.name,
                                            check.problems.front()));
}

}  // namespace funnel
