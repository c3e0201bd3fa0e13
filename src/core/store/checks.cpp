#include "store/checks.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "store/connection.hpp"
#include "store/store_rows.hpp"

namespace funnel {

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
        const auto check_table = [&](const char* table) {
            sql::Cursor rows(db, fmt::format("SELECT * FROM {}", table));
            const int columns = sqlite3_column_count(rows.get());
            while (rows.step()) {
                rows::Row row;
                for (int c = 0; c < columns; ++c)
                    row.emplace_back(sqlite3_column_name(rows.get(), c),
                                     rows::stored(rows.get(), c));
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
        for (const auto& table : rows::top_tables)
            check_table(table.table);
        for (const auto& table : rows::deal_tables)
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
        for (const char* table : rows::named_tables) {
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

std::vector<Store::Check> Store::check() {
    return checks_of(connection_->db, CheckDepth::whole);
}

}  // namespace funnel
