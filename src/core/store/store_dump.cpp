// The whole data file in and out: the JSON dump and its restore, the checks of db check, and
// the online backup.
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
#include "store/schema.hpp"
#include "store/store_impl.hpp"
#include "store/store_rows.hpp"

namespace funnel {

namespace {

constexpr std::string_view dump_format = "funnel-dump";
constexpr int dump_format_version = 1;

// The tables of a dump, in the order they are written and restored (each after the tables it
// refers to), with their key in the document.
struct DumpTable {
    const char* key;
    const char* table;
};
constexpr DumpTable top_tables[] = {
    {"meta", "meta"},           {"stages", "stage"},     {"organizations", "organization"},
    {"contacts", "contact"},    {"products", "product"}, {"opportunities", "opportunity"},
    {"activities", "activity"},
};
// The records of a deal, written inside it without their opp_id.
constexpr DumpTable deal_tables[] = {
    {"history", "opportunity_history"}, {"contacts", "opportunity_contact"}, {"quotes", "quote"},
    {"documents", "document"},          {"lines", "opportunity_line"},
};

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

// A prepared statement of the C API, finalized when dropped.
class Statement {
  public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &statement_, nullptr) != SQLITE_OK)
            throw SQLite::Exception(db, sqlite3_errcode(db));
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(statement_); }
    bool step() {
        const int result = sqlite3_step(statement_);
        if (result == SQLITE_ROW) return true;
        if (result == SQLITE_DONE) return false;
        throw SQLite::Exception(db_, result);
    }
    sqlite3_stmt* get() const { return statement_; }

  private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

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

// The tables whose names are looked up by their folded key.
constexpr const char* named_tables[] = {"organization", "contact", "product"};

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

// A stored value as the row rules see it.
rows::Value stored_value(sqlite3_stmt* row, int column) {
    using Kind = rows::Value::Kind;
    switch (sqlite3_column_type(row, column)) {
        case SQLITE_NULL:
            return {};
        case SQLITE_INTEGER:
            return {Kind::integer, sqlite3_column_int64(row, column), {}};
        case SQLITE_FLOAT:
            return {Kind::real, 0, fmt::format("{}", sqlite3_column_double(row, column))};
        case SQLITE_TEXT:
            return {Kind::text,
                    0,
                    {reinterpret_cast<const char*>(sqlite3_column_text(row, column)),
                     std::size_t(sqlite3_column_bytes(row, column))}};
        default:
            return {Kind::other, 0, "a blob"};
    }
}

// Restores rows as the parser hands them over, one at a time: the document is never held whole.
class Restorer {
  public:
    explicit Restorer(SQLite::Database& db) : db_(db) {
        for (const auto& table : top_tables)
            columns_[table.table] = columns_of(db, table.table);
        for (const auto& table : deal_tables)
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
        for (const auto& child : deal_tables) {
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

void Store::dump(std::ostream& out, const Timestamp& now) {
    sqlite3* db = impl_->db.getHandle();
    std::string buffer;
    const auto flush = [&](bool force) {
        if (!force && buffer.size() < (1 << 16)) return;
        out.write(buffer.data(), std::streamsize(buffer.size()));
        buffer.clear();
    };
    // One read transaction: the dump is of one moment, whoever writes meanwhile.
    impl_->db.exec("BEGIN");
    buffer += fmt::format(
        "{{\n  \"format\": \"{}\",\n  \"format_version\": {},\n  \"schema_version\": {},\n  "
        "\"exported_at\": {}",
        dump_format, dump_format_version, impl_->version, json_string(now));
    for (const auto& table : top_tables) {
        buffer += fmt::format(",\n  \"{}\": [", table.key);
        Statement rows(db,
                       fmt::format("SELECT {} FROM {} ORDER BY {}",
                                   join(dump_columns(impl_->db, table.table), ", "), table.table,
                                   std::string_view(table.table) == "meta" ? "key" : "id"));
        const bool deals = std::string_view(table.table) == "opportunity";
        // The records of deals, read side by side with them in deal order.
        std::vector<std::unique_ptr<Statement>> records;
        std::vector<bool> more;
        if (deals)
            for (const auto& child : deal_tables) {
                records.push_back(std::make_unique<Statement>(
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
                buffer += fmt::format(", \"{}\": [", deal_tables[c].key);
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
        Statement sequences(db, "SELECT name, seq FROM sqlite_sequence ORDER BY name");
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
    impl_->db.exec("COMMIT");
    flush(true);
    out.flush();
}

namespace {

// The checks of db check. A restore, which has checked each row as it inserted it, runs only
// the rules that span rows and tables.
enum class CheckDepth { whole, across_rows };

std::vector<Store::Check> checks_of(SQLite::Database& db, CheckDepth depth) {
    using Check = Store::Check;
    const bool whole = depth == CheckDepth::whole;
    std::vector<Check> checks;
    const auto run = [&](std::string name, const std::string& sql, int limit = 10) {
        Check check{std::move(name), {}};
        SQLite::Statement query(db, sql);
        while (query.executeStep()) {
            if (int(check.problems.size()) < limit)
                check.problems.push_back(query.getColumn(0).getString());
        }
        checks.push_back(std::move(check));
    };
    if (whole) {
        Check integrity{"integrity", {}};
        SQLite::Statement query(db, "PRAGMA integrity_check(20)");
        while (query.executeStep()) {
            const std::string line = query.getColumn(0).getString();
            if (line != "ok") integrity.problems.push_back(line);
        }
        checks.push_back(std::move(integrity));
    }
    run("foreign keys",
        "SELECT 'row ' || rowid || ' of ' || \"table\" || ' refers to a missing row of ' || parent "
        "FROM pragma_foreign_key_check");
    run("deal states",
        "SELECT 'opportunity ' || o.id || ' is ' || o.state || ' but its stage ' || s.name || ' is "
        "' "
        "|| s.state FROM opportunity o JOIN stage s ON s.id = o.stage_id WHERE o.state <> s.state");
    run("closed deals",
        "SELECT 'opportunity ' || id || ' is ' || state || ' with probability ' || probability || "
        "CASE WHEN state = 'open' AND closed_at IS NOT NULL THEN ' and a close day' "
        "WHEN state <> 'open' AND closed_at IS NULL THEN ' and no close day' ELSE '' END "
        "FROM opportunity WHERE (state = 'won' AND probability <> 100) OR "
        "(state = 'lost' AND probability <> 0) OR ((state = 'open') = (closed_at IS NOT NULL))");
    run("close days",
        "SELECT 'opportunity ' || id || CASE WHEN closed_at < substr(created_at, 1, 10) THEN ' "
        "closed on ' || closed_at || ', before it was created on ' || substr(created_at, 1, 10) "
        "ELSE ' closed on ' || closed_at || ' but its close date is ' || close_date END FROM "
        "opportunity WHERE state <> 'open' AND (close_date IS NOT closed_at OR closed_at < "
        "substr(created_at, 1, 10))");
    if (whole) {
        // Every value by the rules the commands write with, as a restore checks a dump.
        Check values{"values", {}};
        std::int64_t more = 0;
        sqlite3* handle = db.getHandle();
        const auto check_table = [&](const char* table) {
            Statement rows(handle, fmt::format("SELECT * FROM {}", table));
            const int columns = sqlite3_column_count(rows.get());
            while (rows.step()) {
                rows::Row row;
                for (int c = 0; c < columns; ++c)
                    row.emplace_back(sqlite3_column_name(rows.get(), c),
                                     stored_value(rows.get(), c));
                const auto problem = rows::problem(table, row, false);
                if (!problem) continue;
                if (values.problems.size() >= 10) {
                    ++more;
                    continue;
                }
                const auto& first = row.front();
                values.problems.push_back(
                    fmt::format("{} {} {}: {}", table, first.first,
                                first.second.kind == rows::Value::Kind::integer
                                    ? std::to_string(first.second.integer)
                                    : in_quotes(first.second.text),
                                *problem));
            }
        };
        for (const auto& table : top_tables)
            check_table(table.table);
        for (const auto& table : deal_tables)
            check_table(table.table);
        if (more) values.problems.push_back(fmt::format("and {} more", more));
        checks.push_back(std::move(values));
    }
    run("sequences",
        fmt::format("SELECT 'the id sequence of ' || name || ' is ' || seq || ': not from 0 to "
                    "{0}' FROM sqlite_sequence WHERE typeof(seq) <> 'integer' OR seq < 0 OR seq > "
                    "{0}",
                    rows::max_id));
    {
        Check currencies{"currencies", {}};
        SQLite::Statement query(
            db,
            "SELECT DISTINCT currency FROM opportunity UNION SELECT value FROM meta WHERE key "
            "= 'default_currency'");
        while (query.executeStep()) {
            const std::string code = query.getColumn(0).getString();
            if (!Currency::find(code) || code != ascii_upper(code))
                currencies.problems.push_back(fmt::format("unknown currency {}", in_quotes(code)));
        }
        checks.push_back(std::move(currencies));
    }
    {
        // Names are looked up by their folded key: one left wrong or missing by another
        // program makes a record unfindable by name, and two organizations or products whose
        // names fold alike make the name ambiguous.
        std::string keys, twins;
        for (const char* table : named_tables) {
            keys += fmt::format(
                "{}SELECT '{} ' || id || ' ' || quote(name) || ' has a lookup key that does not "
                "match its name (written by another program?): funnel {} edit ' || id || ' "
                "--name NAME repairs it' FROM {} WHERE name_key IS NOT funnel_fold(name)",
                keys.empty() ? "" : " UNION ALL ", table,
                table == std::string("organization") ? "org" : table, table);
            if (std::string_view(table) != "contact")
                twins += fmt::format(
                    "{}SELECT '{}s ' || group_concat(id || ' ' || quote(name), ' and ') || ' "
                    "have the same name' FROM {} GROUP BY name_key HAVING count(*) > 1",
                    twins.empty() ? "" : " UNION ALL ", table, table);
        }
        run("names", keys + " UNION ALL " + twins);
    }
    run("primary contacts",
        "SELECT 'opportunity ' || opp_id || ' has ' || count(*) || ' primary contacts' FROM "
        "opportunity_contact WHERE is_primary = 1 GROUP BY opp_id HAVING count(*) > 1");
    run("stage order",
        "SELECT 'stages ' || group_concat(name, ', ') || ' share position ' || position FROM stage "
        "GROUP BY position HAVING count(*) > 1");
    run("history",
        "SELECT 'opportunity ' || id || ' has no record of its creation' FROM opportunity o WHERE "
        "NOT EXISTS (SELECT 1 FROM opportunity_history h WHERE h.opp_id = o.id AND h.field = "
        "'created')");
    return checks;
}

}  // namespace

void Store::restore(std::istream& in) {
    auto& db = impl_->db;
    const std::int64_t records =
        db.execAndGet(
              "SELECT (SELECT count(*) FROM opportunity) + (SELECT count(*) FROM organization) + "
              "(SELECT count(*) FROM contact) + (SELECT count(*) FROM product) + "
              "(SELECT count(*) FROM activity)")
            .getInt64();
    if (records > 0)
        throw conflict(fmt::format(
            "{} holds data already: import all restores into an empty data file (give --db NEW)",
            impl_->path.string()));
    db.exec("PRAGMA defer_foreign_keys = ON");
    db.exec("DELETE FROM stage; DELETE FROM meta;");
    Restorer restorer(db);
    std::string key;  // the top-level key being read
    std::map<std::string, std::string> tables;
    for (const auto& table : top_tables)
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
    for (const char* table : named_tables)
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
    for (const auto& check : checks_of(db, CheckDepth::across_rows))
        if (!check.problems.empty())
            throw invalid_input(fmt::format("the dump is inconsistent: {}: {}", check.name,
                                            check.problems.front()));
}

std::vector<Store::Check> Store::check() {
    return checks_of(impl_->db, CheckDepth::whole);
}

void Store::backup(const std::filesystem::path& to) {
    std::error_code ignored;
    if (std::filesystem::exists(to, ignored))
        throw conflict(
            fmt::format("{} exists already: a backup never replaces a file", to.string()));
    NewDataFile file(to);
    const int fd = ::open(file.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw runtime_failure(
            fmt::format("cannot create {}: {}", file.path().string(), std::strerror(errno)));
    ::close(fd);
    {
        SQLite::Database copy(file.path(), SQLite::OPEN_READWRITE);
        sqlite3_backup* backup =
            sqlite3_backup_init(copy.getHandle(), "main", impl_->db.getHandle(), "main");
        if (!backup) throw runtime_failure(copy.getErrorMsg());
        // One step copies every page under one read transaction: a consistent copy of one
        // moment, while writers go on in the WAL.
        const int result = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (result != SQLITE_DONE)
            throw runtime_failure(
                fmt::format("cannot back up to {}: {}", to.string(), sqlite3_errstr(result)));
    }
    file.adopt();
}

}  // namespace funnel
