#include "store/store_rows.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include <fmt/format.h>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"
#include "funnel/domain/exchange.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::rows {

namespace {

// What a column holds.
enum class Rule {
    id,          // the row's own id
    ref,         // another row's id
    name,        // one line, not blank
    line,        // one line
    multiline,   // free text
    recorded,    // a value as the history recorded it: text of any field, even empty
    path,        // a file path or URL: one line, up to 4096 bytes
    date,        // YYYY-MM-DD
    moment,      // YYYY-MM-DDTHH:MM:SS
    amount,      // minor units of the row's currency
    currency,    // ISO 4217 code
    percent,     // 0 to 100
    positive,    // a whole number above 0
    natural,     // a whole number, 0 or more
    flag,        // 0 or 1
    stage_name,  // as normalize_stage_name writes it
    category,    // a forecast category
    state,       // open, won, lost
    deal_type,   // new, existing
    role,        // a contact's role
    quote_status,
    product_kind,
    activity_type,
    minute,    // minutes after midnight
    discount,  // basis points, 0 to 10,000
    sha256,    // 64 lower-case hex digits
    meta_key,
    tag,           // as checked_tag keeps it
    rate,          // an exchange rate as format_rate writes it
    granularity,   // month, quarter, year
    field_record,  // opp, org, contact
    field_type,    // text, number, date, amount, choice
    anything,      // checked by the row as a whole (meta's value)
    derived,       // computed by the store (name_key): checked by db check's own names check
};

struct ColumnRule {
    const char* column;
    Rule rule;
    bool required;
};

struct TableRules {
    const char* table;
    std::initializer_list<ColumnRule> columns;
};

const TableRules tables[] = {
    {"meta", {{"key", Rule::meta_key, true}, {"value", Rule::anything, true}}},
    {"stage",
     {{"id", Rule::id, true},
      {"name", Rule::stage_name, true},
      {"label", Rule::name, true},
      {"position", Rule::positive, true},
      {"probability", Rule::percent, true},
      {"category", Rule::category, true},
      {"state", Rule::state, true},
      {"stale_days", Rule::positive, true}}},
    {"organization",
     {{"id", Rule::id, true},
      {"name", Rule::name, true},
      {"industry", Rule::line, false},
      {"website", Rule::line, false},
      {"phone", Rule::line, false},
      {"notes", Rule::multiline, false},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true},
      {"name_key", Rule::derived, false}}},
    {"contact",
     {{"id", Rule::id, true},
      {"name", Rule::name, true},
      {"org_id", Rule::ref, false},
      {"email", Rule::line, false},
      {"phone", Rule::line, false},
      {"title", Rule::line, false},
      {"notes", Rule::multiline, false},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true},
      {"name_key", Rule::derived, false}}},
    {"product",
     {{"id", Rule::id, true},
      {"name", Rule::name, true},
      {"kind", Rule::product_kind, true},
      {"unit", Rule::line, false},
      {"price", Rule::amount, true},
      {"currency", Rule::currency, true},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true},
      {"name_key", Rule::derived, false}}},
    {"opportunity",
     {{"id", Rule::id, true},
      {"name", Rule::name, true},
      {"org_id", Rule::ref, false},
      {"contact_id", Rule::ref, false},
      {"amount", Rule::amount, true},
      {"currency", Rule::currency, true},
      {"close_date", Rule::date, true},
      {"stage_id", Rule::ref, true},
      {"state", Rule::state, true},
      {"probability", Rule::percent, true},
      {"type", Rule::deal_type, true},
      {"next_step", Rule::line, false},
      {"description", Rule::multiline, false},
      {"owner", Rule::line, false},
      {"source", Rule::line, false},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true},
      {"stage_changed_at", Rule::moment, true},
      {"closed_at", Rule::date, false},
      {"lost_reason", Rule::line, false},
      {"external_id", Rule::line, false},
      {"category", Rule::category, false},
      // Dumps from before funnel kept it have none: every deal had an amount.
      {"no_amount", Rule::flag, false}}},
    {"opportunity_history",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"changed_at", Rule::moment, true},
      // Dumps from before funnel kept it have none; the restore fills it in.
      {"recorded_at", Rule::moment, false},
      {"field", Rule::name, true},
      {"old_value", Rule::recorded, false},
      {"new_value", Rule::recorded, false},
      {"note", Rule::line, false}}},
    {"opportunity_contact",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"contact_id", Rule::ref, true},
      {"role", Rule::role, true},
      {"is_primary", Rule::flag, true},
      {"created_at", Rule::moment, true}}},
    {"quote",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"number", Rule::name, true},
      {"amount", Rule::amount, false},
      {"currency", Rule::currency, true},
      {"status", Rule::quote_status, true},
      {"valid_until", Rule::date, false},
      {"file", Rule::path, false},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true}}},
    {"document",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"location", Rule::path, true},
      {"is_url", Rule::flag, true},
      {"title", Rule::line, false},
      {"size", Rule::natural, false},
      {"sha256", Rule::sha256, false},
      {"created_at", Rule::moment, true}}},
    {"opportunity_line",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"product_id", Rule::ref, true},
      {"quantity_milli", Rule::positive, true},
      {"unit_price", Rule::amount, true},
      {"discount_bp", Rule::discount, true},
      {"total", Rule::amount, true},
      {"currency", Rule::currency, true},
      {"created_at", Rule::moment, true}}},
    {"activity",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, false},
      {"org_id", Rule::ref, false},
      {"contact_id", Rule::ref, false},
      {"type", Rule::activity_type, true},
      {"subject", Rule::multiline, true},
      {"due_date", Rule::date, true},
      {"due_minute", Rule::minute, false},
      {"duration_minutes", Rule::positive, false},
      {"notes", Rule::multiline, false},
      {"owner", Rule::line, false},
      {"done_on", Rule::date, false},
      {"created_at", Rule::moment, true},
      {"updated_at", Rule::moment, true}}},
    {"field",
     {{"id", Rule::id, true},
      {"record", Rule::field_record, true},
      {"name", Rule::line, true},
      {"label", Rule::name, true},
      {"type", Rule::field_type, true},
      {"choices", Rule::line, false},
      {"position", Rule::positive, true}}},
    {"opportunity_field",
     {{"id", Rule::id, true},
      {"opp_id", Rule::ref, true},
      {"field_id", Rule::ref, true},
      {"value", Rule::line, true}}},
    {"organization_field",
     {{"id", Rule::id, true},
      {"org_id", Rule::ref, true},
      {"field_id", Rule::ref, true},
      {"value", Rule::line, true}}},
    {"contact_field",
     {{"id", Rule::id, true},
      {"contact_id", Rule::ref, true},
      {"field_id", Rule::ref, true},
      {"value", Rule::line, true}}},
    {"exchange_rate",
     {{"id", Rule::id, true},
      {"day", Rule::date, true},
      {"from_currency", Rule::currency, true},
      {"to_currency", Rule::currency, true},
      {"rate", Rule::rate, true}}},
    {"quota",
     {{"id", Rule::id, true},
      {"owner", Rule::line, false},
      {"granularity", Rule::granularity, true},
      {"first_day", Rule::date, true},
      {"last_day", Rule::date, true},
      {"amount", Rule::amount, true},
      {"currency", Rule::currency, true}}},
    {"opportunity_tag",
     {{"id", Rule::id, true}, {"opp_id", Rule::ref, true}, {"tag", Rule::tag, true}}},
    {"organization_tag",
     {{"id", Rule::id, true}, {"org_id", Rule::ref, true}, {"tag", Rule::tag, true}}},
    {"contact_tag",
     {{"id", Rule::id, true}, {"contact_id", Rule::ref, true}, {"tag", Rule::tag, true}}},
};

const TableRules* rules_of(std::string_view table) {
    for (const auto& rules : tables)
        if (table == rules.table) return &rules;
    return nullptr;
}

// A stored word is the canonical form its parser gives back.
template <typename Parse, typename Show>
bool canonical(const std::string& text, Parse parse, Show show) {
    try {
        return std::string(show(parse(text))) == text;
    } catch (const Error&) {
        return false;
    }
}

// What is wrong with a text value under a text rule, or nothing.
std::optional<std::string> text_problem(const std::string& text, Rule rule) {
    if (rule == Rule::path) {
        if (text.empty() || text.size() > 4096 || !is_valid_utf8(text))
            return "not a path or address of 1 to 4096 bytes of UTF-8";
        for (std::size_t i = 0; i < text.size(); ++i)
            if (static_cast<unsigned char>(text[i]) < 0x20) return "holds control characters";
        return std::nullopt;
    }
    if (rule == Rule::recorded) {
        if (!is_valid_utf8(text) || text.size() > 100'000) return "not text funnel records";
        return std::nullopt;
    }
    const TextKind kind = rule == Rule::name        ? TextKind::name
                          : rule == Rule::multiline ? TextKind::multiline
                                                    : TextKind::line;
    try {
        if (checked_text("value", text, kind) != text) return "has spaces around it";
    } catch (const Error& e) {
        // "invalid value '...': control characters are not allowed": the reason only.
        const std::string message = e.what();
        const auto colon = message.rfind(": ");
        return colon == std::string::npos ? message : message.substr(colon + 2);
    }
    if (text.empty()) return "is empty text, which funnel stores as null";
    return std::nullopt;
}

std::optional<std::string> integer_problem(std::int64_t value, Rule rule, int digits) {
    const auto outside = [&](std::int64_t low, std::int64_t high) -> std::optional<std::string> {
        if (value < low || value > high) return fmt::format("not from {} to {}", low, high);
        return std::nullopt;
    };
    switch (rule) {
        case Rule::id:
        case Rule::ref:
            return outside(1, max_id);
        case Rule::amount:
            return outside(0, max_amount_minor(digits));
        case Rule::percent:
            return outside(0, 100);
        case Rule::positive:
            return outside(1, max_id);
        case Rule::natural:
            return outside(0, max_id);
        case Rule::flag:
            return outside(0, 1);
        case Rule::minute:
            return outside(0, 1439);
        case Rule::discount:
            return outside(0, 10'000);
        default:
            return "a number where text belongs";
    }
}

bool is_integer_rule(Rule rule) {
    switch (rule) {
        case Rule::id:
        case Rule::ref:
        case Rule::amount:
        case Rule::percent:
        case Rule::positive:
        case Rule::natural:
        case Rule::flag:
        case Rule::minute:
        case Rule::discount:
            return true;
        default:
            return false;
    }
}

std::optional<std::string> word_problem(const std::string& text, Rule rule) {
    bool ok = true;
    switch (rule) {
        case Rule::date:
            if (const auto day = parse_iso_date(text)) {
                try {
                    checked_date(*day);
                } catch (const Error& e) {
                    return e.what();
                }
                return std::nullopt;
            }
            return "not a day of the calendar (YYYY-MM-DD)";
        case Rule::moment:
            if (is_timestamp(text)) return std::nullopt;
            return "not a moment (YYYY-MM-DDTHH:MM:SS of a real day and time)";
        case Rule::currency:
            ok = Currency::find(text) && Currency::find(text)->code() == text;
            break;
        case Rule::stage_name:
            ok = canonical(text, normalize_stage_name, [](const std::string& s) { return s; });
            break;
        case Rule::category:
            ok = canonical(text, parse_forecast_category,
                           [](ForecastCategory c) { return to_string(c); });
            break;
        case Rule::state:
            ok = canonical(text, parse_stage_state, [](StageState s) { return to_string(s); });
            break;
        case Rule::deal_type:
            ok = canonical(text, parse_deal_type, [](DealType t) { return to_string(t); });
            break;
        case Rule::role:
            ok = canonical(text, parse_contact_role, [](const std::string& s) { return s; });
            break;
        case Rule::quote_status:
            ok = canonical(text, parse_quote_status, [](QuoteStatus s) { return to_string(s); });
            break;
        case Rule::product_kind:
            ok = canonical(text, parse_product_kind, [](ProductKind k) { return to_string(k); });
            break;
        case Rule::activity_type:
            ok = canonical(text, parse_activity_type, [](ActivityType t) { return to_string(t); });
            break;
        case Rule::sha256:
            ok = text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                 });
            break;
        case Rule::field_record:
            ok = canonical(text, parse_field_record, [](FieldRecord r) { return to_string(r); });
            break;
        case Rule::field_type:
            ok = canonical(text, parse_field_type, [](FieldType t) { return to_string(t); });
            break;
        case Rule::tag:
            ok = !tag_problem(text) && fold_name(text) == text;
            break;
        case Rule::rate:
            ok = canonical(text, parse_rate, format_rate);
            break;
        case Rule::granularity:
            ok = text == "month" || text == "quarter" || text == "year";
            break;
        case Rule::meta_key:
            ok = text == "default_currency" || text == "calendar_id" || text == "state" ||
                 text == "report_currency" || text == "fiscal_start";
            break;
        default:
            return text_problem(text, rule);
    }
    if (!ok) return "not one of the values funnel writes there";
    return std::nullopt;
}

const Value* find(const Row& row, std::string_view column) {
    for (const auto& [name, value] : row)
        if (name == column) return &value;
    return nullptr;
}

std::optional<std::string> meta_problem(const Row& row) {
    const Value* key = find(row, "key");
    const Value* value = find(row, "value");
    if (!key || !value || key->kind != Value::Kind::text || value->kind != Value::Kind::text)
        return std::nullopt;  // the columns' own rules say it
    if (key->text == "default_currency" || key->text == "report_currency") {
        if (auto problem = word_problem(value->text, Rule::currency))
            return fmt::format("value {}: {}", in_quotes(value->text), *problem);
    } else if (key->text == "fiscal_start") {
        const auto& month = value->text;
        if (month.empty() || month.size() > 2 ||
            month.find_first_not_of("0123456789") != std::string::npos || std::stoi(month) < 2 ||
            std::stoi(month) > 12)
            return fmt::format("value {}: not a month from 2 to 12", in_quotes(month));
    } else if ((key->text == "calendar_id" || key->text == "state") &&
               (value->text.empty() || value->text.size() > 64 ||
                !std::all_of(value->text.begin(), value->text.end(), [](char c) {
                    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                }))) {
        return fmt::format("value {}: not {} (lower-case hex digits)", in_quotes(value->text),
                           key->text == "state" ? "a state stamp" : "a calendar id");
    }
    return std::nullopt;
}

}  // namespace

bool known_table(std::string_view table) {
    return rules_of(table) != nullptr;
}

std::optional<std::string> problem(std::string_view table, const Row& row, bool complete) {
    const TableRules* rules = rules_of(table);
    if (!rules) return fmt::format("{} is not a table of funnel's", table);
    if (row.empty()) return "is empty";
    // Amounts are checked against the decimals of the row's own currency.
    int digits = 4;
    if (const Value* code = find(row, "currency"); code && code->kind == Value::Kind::text)
        if (const auto currency = Currency::find(code->text)) digits = currency->digits();
    for (const auto& cell : row) {
        const std::string& column = cell.first;  // named: lambdas below capture it
        const Value& value = cell.second;
        const auto rule = std::find_if(rules->columns.begin(), rules->columns.end(),
                                       [&](const ColumnRule& r) { return column == r.column; });
        if (rule == rules->columns.end())
            return fmt::format("has a field {} that {} does not have", in_quotes(column), table);
        if (rule->rule == Rule::derived) continue;
        const auto named = [&](const std::string& shown, const std::string& why) {
            return fmt::format("{} {}: {}", column, shown, why);
        };
        switch (value.kind) {
            case Value::Kind::null:
                if (rule->required) return fmt::format("{} is null; it must have a value", column);
                break;
            case Value::Kind::out_of_range:
                return named(value.text, "a whole number out of range");
            case Value::Kind::real:
                return named(value.text, "not a whole number");
            case Value::Kind::other:
                return named(value.text, "not a number, text or null");
            case Value::Kind::integer:
                if (!is_integer_rule(rule->rule))
                    return named(std::to_string(value.integer), "a number where text belongs");
                if (auto why = integer_problem(value.integer, rule->rule, digits))
                    return named(std::to_string(value.integer), *why);
                break;
            case Value::Kind::text:
                if (is_integer_rule(rule->rule))
                    return named(in_quotes(value.text), "text where a whole number belongs");
                if (rule->rule == Rule::anything) break;
                if (auto why = word_problem(value.text, rule->rule))
                    return named(in_quotes(value.text), *why);
                break;
        }
    }
    if (complete)
        for (const auto& rule : rules->columns)
            if (rule.required && !find(row, rule.column))
                return fmt::format("has no {}", rule.column);
    if (table == "meta") return meta_problem(row);
    return std::nullopt;
}

// A stored value as the row rules see it.
Value stored(sqlite3_stmt* row, int column) {
    using Kind = Value::Kind;
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

}  // namespace funnel::rows
