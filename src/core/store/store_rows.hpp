// The rules every stored value follows, as the commands write them: what a restore checks in a
// dump before it writes a row, and what db check checks in a file another program changed. One
// rule per kind of value, each the domain's own function (checked_date, checked_text,
// Currency::find, ...), so that a restore accepts exactly what the commands could have written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

namespace funnel::rows {

// Ids and id sequences stay below 2^53, the largest whole number a JSON reader (JavaScript's
// among them) holds exactly; far above what a file will ever count.
inline constexpr std::int64_t max_id = (std::int64_t(1) << 53) - 1;

// A value of a row as a dump holds it or as SQLite stores it.
struct Value {
    enum class Kind { null, integer, real, text, out_of_range, other } kind = Kind::null;
    std::int64_t integer = 0;
    std::string text;
};
using Row = std::vector<std::pair<std::string, Value>>;

// The tables of a data file that a dump holds, in the order they are written and restored (each
// after the tables it refers to), with their key in the document.
struct Table {
    const char* key;
    const char* table;
};
inline constexpr Table top_tables[] = {
    {"meta", "meta"},
    {"stages", "stage"},
    {"exchange_rates", "exchange_rate"},
    {"quotas", "quota"},
    {"fields", "field"},
    {"organizations", "organization"},
    {"organization_tags", "organization_tag"},
    {"organization_fields", "organization_field"},
    {"contacts", "contact"},
    {"contact_tags", "contact_tag"},
    {"contact_fields", "contact_field"},
    {"products", "product"},
    {"opportunities", "opportunity"},
    {"activities", "activity"},
};
// The records of a deal, written inside it without their opp_id.
inline constexpr Table deal_tables[] = {
    {"history", "opportunity_history"},
    {"contacts", "opportunity_contact"},
    {"quotes", "quote"},
    {"documents", "document"},
    {"lines", "opportunity_line"},
    {"tags", "opportunity_tag"},
    {"fields", "opportunity_field"},
};

// The tables whose names are looked up by their folded key.
inline constexpr const char* named_tables[] = {"organization", "contact", "product"};

// Whether a table's rows are checked by these rules (the tables a dump holds).
bool known_table(std::string_view table);

// The first thing wrong with a row of `table`, naming the column and value ("close_date
// '2026-02-30': not a day of the calendar"), or nothing. A column the table does not have, a
// required column missing (with `complete`), a value of the wrong type or outside its rule.
std::optional<std::string> problem(std::string_view table, const Row& row, bool complete);

// A column of a cursor's current row as these rules see it.
Value stored(sqlite3_stmt* row, int column);

}  // namespace funnel::rows
