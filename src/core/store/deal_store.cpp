#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"
#include "store/deal_rows.hpp"
#include "store/filter_sql.hpp"

namespace funnel {

std::vector<SortKey> parse_sort_keys(std::string_view text) {
    std::vector<SortKey> keys;
    std::size_t from = 0;
    for (;;) {
        const auto comma = text.find(',', from);
        std::string_view part = trim(text.substr(
            from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
        SortKey key;
        if (!part.empty() && part.front() == '-') {
            key.descending = true;
            part.remove_prefix(1);
        }
        key.key = parse_opp_sort(part);
        keys.push_back(key);
        if (comma == std::string_view::npos) break;
        from = comma + 1;
    }
    return keys;
}

OppSort parse_opp_sort(std::string_view text) {
    static constexpr std::pair<std::string_view, OppSort> names[] = {
        {"close", OppSort::close},
        {"amount", OppSort::amount},
        {"weighted", OppSort::weighted},
        {"probability", OppSort::probability},
        {"stage", OppSort::stage},
        {"name", OppSort::name},
        {"id", OppSort::id},
        {"updated", OppSort::updated},
        {"created", OppSort::created},
        {"org", OppSort::org},
        {"owner", OppSort::owner},
        {"currency", OppSort::currency},
    };
    const std::string word = ascii_lower(trim(text));
    for (const auto& [name, sort] : names)
        if (name == word) return sort;
    throw invalid_input(
        "expected close, amount, weighted, probability, stage, name, org, owner, currency, "
        "created, updated or id (several with commas, - before one to sort it descending)");
}

namespace {

const std::string opportunity_select = select_opportunities(true);

std::string optional_string(const sql::Cursor& row, int column) {
    return row.null(column) ? std::string() : row.string(column);
}

std::optional<std::int64_t> optional_integer(const sql::Cursor& row, int column) {
    if (row.null(column)) return std::nullopt;
    return row.integer(column);
}

Date date_column(const sql::Cursor& row, int column) {
    if (auto date = parse_iso_date(row.text(column))) return *date;
    throw runtime_failure(fmt::format("damaged date {} in the data file", row.string(column)));
}

void record_change(Connection& connection, std::int64_t opp_id, const Timestamp& when,
                   const Timestamp& recorded, const FieldChange& change, const std::string& note) {
    sql::Cursor& insert = connection.statement(sql::insert_history);
    sql::bind_change(insert, opp_id, when, recorded, change, note);
    insert.run();
}

Where where_clause(Connection& connection, const OppFilter& filter) {
    Where where;
    switch (filter.states) {
        case StateFilter::open:
            where.add("o.state = 'open'");
            break;
        case StateFilter::won:
            where.add("o.state = 'won'");
            break;
        case StateFilter::lost:
            where.add("o.state = 'lost'");
            break;
        case StateFilter::closed:
            where.add("o.state IN ('won', 'lost')");
            break;
        case StateFilter::all:
            break;
    }
    if (!filter.stage_ids.empty()) {
        std::string list;
        for (std::size_t i = 0; i < filter.stage_ids.size(); ++i) {
            list += i ? ", ?" : "?";
            where.values.push_back(std::to_string(filter.stage_ids[i]));
        }
        where.add("o.stage_id IN (" + list + ")");
    }
    if (filter.org_id) where.add("o.org_id = ?", std::to_string(*filter.org_id));
    if (filter.contact_id) where.add("o.contact_id = ?", std::to_string(*filter.contact_id));
    if (filter.owner) where.add("o.owner = ? COLLATE NOCASE", *filter.owner);
    if (filter.type) where.add("o.type = ?", std::string(to_string(*filter.type)));
    if (filter.closing_from) where.add("o.close_date >= ?", format_date(*filter.closing_from));
    if (filter.closing_to) where.add("o.close_date <= ?", format_date(*filter.closing_to));
    if (filter.no_amount) where.add("o.no_amount = 1");
    if (filter.ids) {
        where.add("o.id >= CAST(? AS INTEGER)", std::to_string(filter.ids->first));
        where.add("o.id <= CAST(? AS INTEGER)", std::to_string(filter.ids->second));
    }
    if (filter.where) {
        where.add(filter_sql(*filter.where, StageStore(connection).all(), where.values));
    }
    if (filter.overdue_on) {
        where.add("o.state = 'open'");
        where.add("o.close_date < ?", format_date(*filter.overdue_on));
    }
    if (!filter.search.empty()) {
        // Names are compared folded everywhere; folding each row's text costs a scan, which a
        // search for text inside fields needs anyway.
        const std::string key = fold_name(filter.search);
        where.add(
            "(instr(funnel_fold(o.name), ?) OR instr(funnel_fold(o.description), ?) OR "
            "instr(funnel_fold(o.next_step), ?) OR instr(g.name_key, ?) OR instr(c.name_key, ?))");
        for (int i = 0; i < 5; ++i)
            where.values.push_back(key);
    }
    return where;
}

std::string order_by(const std::vector<SortKey>& keys) {
    std::vector<std::string> terms;
    for (const auto& [sort, descending] : keys) {
        const char* direction = descending ? " DESC" : "";
        std::string key = "o.close_date";
        switch (sort) {
            case OppSort::close:
                break;
            case OppSort::amount:
            case OppSort::weighted:
                // Minor units of different currencies do not compare (5,000,000 JPY is not
                // more than 47,500 EUR): money sorts within each currency.
                terms.push_back("o.currency");
                key = sort == OppSort::amount ? "o.amount" : sql::weighted_amount;
                break;
            case OppSort::probability:
                key = "o.probability";
                break;
            case OppSort::stage:
                key = "s.position";
                break;
            case OppSort::name:
                key = "o.name COLLATE NOCASE";
                break;
            case OppSort::id:
                key = "o.id";
                break;
            case OppSort::updated:
                key = "o.updated_at";
                break;
            case OppSort::created:
                key = "o.created_at";
                break;
            case OppSort::org:
                key = "g.name COLLATE NOCASE";
                break;
            case OppSort::owner:
                key = "o.owner COLLATE NOCASE";
                break;
            case OppSort::currency:
                key = "o.currency";
                break;
        }
        terms.push_back(key + direction);
    }
    const bool last_descending = !keys.empty() && keys.front().descending;
    if (keys.empty() || keys.back().key != OppSort::id)
        terms.push_back(std::string("o.id") + (last_descending ? " DESC" : ""));
    return " ORDER BY " + join(terms, ", ");
}

}  // namespace

Where scope_where(Connection& connection, const ReportScope& scope) {
    Where where;
    if (scope.owner) where.add("o.owner = ? COLLATE NOCASE", *scope.owner);
    if (scope.type) where.add("o.type = ?", std::string(to_string(*scope.type)));
    if (scope.currency) where.add("o.currency = ?", *scope.currency);
    if (scope.where)
        where.add(filter_sql(*scope.where, StageStore(connection).all(), where.values));
    return where;
}

// Every column of a deal, in the order read_opportunity reads them. Reports that read every
// deal leave out the organization and contact names, which they do not show: two lookups less
// per deal.
std::string select_opportunities(bool with_names, const std::string& more_columns) {
    return std::string("SELECT o.id, o.name, o.org_id, ") + (with_names ? "g.name" : "NULL") +
           ", o.contact_id, " + (with_names ? "c.name" : "NULL") + R"sql(, o.amount, o.currency,
       o.close_date, o.stage_id, s.name, s.state, coalesce(o.category, s.category),
       o.probability, o.type, o.next_step, o.description, o.owner, o.source, o.created_at,
       o.updated_at, o.stage_changed_at, o.closed_at, o.lost_reason, o.external_id,
       o.category, o.no_amount, )sql" +
           (with_names ? sql::tags_of("opportunity_tag", "opp_id", "o.id") + ", " +
                             sql::field_values_of(FieldRecord::opp, "o.id")
                       : "NULL, NULL") +
           more_columns + R"sql(
FROM opportunity o
JOIN stage s ON s.id = o.stage_id)sql" +
           (with_names ? " LEFT JOIN organization g ON g.id = o.org_id LEFT JOIN contact c ON "
                         "c.id = o.contact_id"
                       : "");
}

Opportunity read_opportunity(const sql::Cursor& row) {
    Opportunity deal;
    deal.id = row.integer(deal_column::id);
    deal.name = row.string(deal_column::name);
    deal.org_id = optional_integer(row, deal_column::org_id);
    deal.org = optional_string(row, deal_column::org);
    deal.contact_id = optional_integer(row, deal_column::contact_id);
    deal.contact = optional_string(row, deal_column::contact);
    const auto currency = Currency::find(row.text(deal_column::currency));
    if (!currency)
        throw runtime_failure(
            fmt::format("damaged currency {} in the data file", row.string(deal_column::currency)));
    deal.amount = Money{row.integer(deal_column::amount), *currency};
    deal.close_date = date_column(row, deal_column::close_date);
    deal.stage_id = row.integer(deal_column::stage_id);
    deal.stage = row.string(deal_column::stage);
    deal.state = parse_stage_state(row.text(deal_column::state));
    deal.category = parse_forecast_category(row.text(deal_column::category));
    deal.probability = int(row.integer(deal_column::probability));
    deal.type = parse_deal_type(row.text(deal_column::type));
    deal.next_step = optional_string(row, deal_column::next_step);
    deal.description = optional_string(row, deal_column::description);
    deal.owner = optional_string(row, deal_column::owner);
    deal.source = optional_string(row, deal_column::source);
    deal.created_at = row.string(deal_column::created_at);
    deal.updated_at = row.string(deal_column::updated_at);
    deal.stage_changed_at = row.string(deal_column::stage_changed_at);
    if (!row.null(deal_column::closed_at))
        deal.closed_at = date_column(row, deal_column::closed_at);
    deal.lost_reason = optional_string(row, deal_column::lost_reason);
    deal.external_id = optional_string(row, deal_column::external_id);
    if (!row.null(deal_column::own_category))
        deal.own_category = parse_forecast_category(row.text(deal_column::own_category));
    deal.no_amount = row.integer(deal_column::no_amount) != 0;
    deal.tags = sql::read_tags(row.text(deal_column::tags));
    deal.fields = sql::read_field_values(row.text(deal_column::fields));
    return deal;
}

void bind_opportunity(sql::Cursor& statement, const Opportunity& deal) {
    statement.bind(1, deal.name);
    statement.bind_id(2, deal.org_id);
    statement.bind_id(3, deal.contact_id);
    statement.bind(4, deal.amount.minor);
    statement.bind(5, std::string(deal.amount.currency.code()));
    statement.bind(6, format_date(deal.close_date));
    statement.bind(7, deal.stage_id);
    statement.bind(8, std::string(to_string(deal.state)));
    statement.bind(9, std::int64_t(deal.probability));
    statement.bind(10, std::string(to_string(deal.type)));
    statement.bind_text(11, deal.next_step);
    statement.bind_text(12, deal.description);
    statement.bind_text(13, deal.owner);
    statement.bind_text(14, deal.source);
    statement.bind(15, deal.updated_at);
    statement.bind(16, deal.stage_changed_at);
    if (deal.closed_at)
        statement.bind(17, format_date(*deal.closed_at));
    else
        statement.bind_null(17);
    statement.bind_text(18, deal.lost_reason);
    statement.bind_text(19, deal.external_id);
    if (deal.own_category)
        statement.bind(20, std::string(to_string(*deal.own_category)));
    else
        statement.bind_null(20);
    statement.bind(21, std::int64_t(deal.no_amount ? 1 : 0));
}

std::int64_t DealStore::insert(const Opportunity& deal) {
    sql::Cursor insert(connection_->db, sql::insert_opportunity);
    bind_opportunity(insert, deal);
    insert.bind(22, deal.created_at);
    insert.run();
    const std::int64_t id = connection_->db.getLastInsertRowid();
    record_change(*connection_, id, deal.created_at, deal.created_at,
                  {"created", std::nullopt, deal.name}, "");
    if (!deal.tags.empty())
        sql::replace_tags(*connection_, "opportunity_tag", "opp_id", id, deal.tags);
    if (!deal.fields.empty())
        sql::replace_field_values(*connection_, FieldRecord::opp, id, {}, deal.fields);
    return id;
}

std::optional<Opportunity> DealStore::find(std::int64_t id) {
    sql::Cursor& query = connection_->statement(opportunity_select + " WHERE o.id = ?");
    query.bind(1, id);
    std::optional<Opportunity> deal;
    if (query.step()) deal = read_opportunity(query);
    query.reset();
    return deal;
}

Opportunity DealStore::get(std::int64_t id) {
    if (auto deal = find(id)) return *deal;
    throw not_found(fmt::format("no opportunity with id {}", id));
}

bool DealStore::update(const Opportunity& before, const Opportunity& after, const Timestamp& when,
                       const std::string& note, const std::optional<Timestamp>& recorded) {
    const auto changes = changes_between(before, after);
    if (changes.empty()) return false;
    Opportunity written = after;
    // A change dated in the past does not make the record look older than it was.
    written.updated_at = std::max(before.updated_at, when);
    if (before.stage_id != after.stage_id) written.stage_changed_at = when;
    sql::Cursor& update = connection_->statement(
        "UPDATE opportunity SET name = ?, org_id = ?, contact_id = ?, amount = ?, currency = ?, "
        "close_date = ?, stage_id = ?, state = ?, probability = ?, type = ?, next_step = ?, "
        "description = ?, owner = ?, source = ?, updated_at = ?, stage_changed_at = ?, "
        "closed_at = ?, lost_reason = ?, external_id = ?, category = ?, no_amount = ? WHERE id = "
        "?");
    bind_opportunity(update, written);
    update.bind(22, after.id);
    update.run();
    if (before.tags != after.tags)
        sql::replace_tags(*connection_, "opportunity_tag", "opp_id", after.id, after.tags);
    sql::replace_field_values(*connection_, FieldRecord::opp, after.id, before.fields,
                              after.fields);
    std::size_t note_index = 0;
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (changes[i].field == "stage") note_index = i;
    for (std::size_t i = 0; i < changes.size(); ++i)
        record_change(*connection_, after.id, when, recorded.value_or(when), changes[i],
                      i == note_index ? note : "");
    return true;
}

DealDependents DealStore::dependents(std::int64_t id) {
    SQLite::Statement query(connection_->db, R"sql(
SELECT (SELECT count(*) FROM opportunity_history WHERE opp_id = ?1),
       (SELECT count(*) FROM opportunity_contact WHERE opp_id = ?1),
       (SELECT count(*) FROM quote WHERE opp_id = ?1),
       (SELECT count(*) FROM document WHERE opp_id = ?1),
       (SELECT count(*) FROM opportunity_line WHERE opp_id = ?1),
       (SELECT count(*) FROM activity WHERE opp_id = ?1))sql");
    query.bind(1, id);
    query.executeStep();
    return {query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
            query.getColumn(2).getInt64(), query.getColumn(3).getInt64(),
            query.getColumn(4).getInt64(), query.getColumn(5).getInt64()};
}

void DealStore::remove(std::int64_t id, const Timestamp& now) {
    // The schema cascades a deal's delete to its activities; they are the user's record of
    // calls and meetings, so they are unlinked first.
    SQLite::Statement unlink(connection_->db,
                             "UPDATE activity SET opp_id = NULL, updated_at = ? WHERE opp_id = ?");
    unlink.bind(1, now);
    unlink.bind(2, id);
    unlink.exec();
    SQLite::Statement remove(connection_->db, "DELETE FROM opportunity WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
}

namespace {

// The deals a list asks for, in its order, ready to step through.
sql::Cursor list_cursor(Connection& connection, const OppQuery& query) {
    auto& db = connection.db;
    const Where where = where_clause(connection, query.filter);
    std::string sql = opportunity_select + where.sql + order_by(query.sort);
    if (query.limit) sql += fmt::format(" LIMIT {}", *query.limit);
    sql::Cursor cursor(db, sql);
    bind_all(cursor, where.values);
    return cursor;
}

}  // namespace

void DealStore::for_each(const OppQuery& query,
                         const std::function<void(const Opportunity&)>& visit) {
    sql::Cursor statement = list_cursor(*connection_, query);
    while (statement.step())
        visit(read_opportunity(statement));
}

void DealStore::for_each_columns(const OppQuery& query,
                                 const std::function<void(const DealColumns&)>& visit) {
    sql::Cursor row = list_cursor(*connection_, query);
    DealColumns deal;
    while (row.step()) {
        deal.id = row.integer(deal_column::id);
        deal.name = row.text(deal_column::name);
        deal.org_id = optional_integer(row, deal_column::org_id);
        deal.org = row.text(deal_column::org);
        deal.contact_id = optional_integer(row, deal_column::contact_id);
        deal.contact = row.text(deal_column::contact);
        deal.amount = row.integer(deal_column::amount);
        deal.currency = row.text(deal_column::currency);
        deal.close_date = row.text(deal_column::close_date);
        deal.stage = row.text(deal_column::stage);
        deal.category = row.text(deal_column::category);
        deal.probability = int(row.integer(deal_column::probability));
        deal.type = row.text(deal_column::type);
        deal.next_step = row.text(deal_column::next_step);
        deal.description = row.text(deal_column::description);
        deal.owner = row.text(deal_column::owner);
        deal.source = row.text(deal_column::source);
        deal.created_at = row.text(deal_column::created_at);
        deal.updated_at = row.text(deal_column::updated_at);
        deal.closed_at = row.text(deal_column::closed_at);
        deal.lost_reason = row.text(deal_column::lost_reason);
        deal.external_id = row.text(deal_column::external_id);
        deal.tags = row.text(deal_column::tags);
        deal.fields = sql::read_field_values(row.text(deal_column::fields));
        deal.no_amount = row.integer(deal_column::no_amount) != 0;
        visit(deal);
    }
}

void DealStore::record_event(std::int64_t opp_id, const Timestamp& when, const FieldChange& event,
                             const std::string& note) {
    record_change(*connection_, opp_id, when, when, event, note);
    SQLite::Statement touch(connection_->db,
                            "UPDATE opportunity SET updated_at = max(updated_at, ?) WHERE id = ?");
    touch.bind(1, when);
    touch.bind(2, opp_id);
    touch.exec();
}

std::vector<CurrencyTotals> DealStore::totals(const OppFilter& filter) {
    const Where where = where_clause(*connection_, filter);
    SQLite::Statement statement(
        connection_->db,
        "SELECT o.currency, sum(o.state = 'open'), sum(CASE WHEN o.state = 'open' THEN o.amount "
        "END), sum(CASE WHEN o.state = 'open' THEN " +
            std::string(sql::weighted_amount) +
            " END), "
            "sum(o.state = 'won'), sum(CASE WHEN o.state = 'won' THEN o.amount END), "
            "sum(o.state = 'lost') FROM opportunity o JOIN stage s ON s.id = o.stage_id "
            "LEFT JOIN organization g ON g.id = o.org_id LEFT JOIN contact c ON c.id = "
            "o.contact_id" +
            where.sql + " GROUP BY o.currency ORDER BY o.currency");
    bind_all(statement, where.values);
    std::vector<CurrencyTotals> totals;
    while (statement.executeStep()) {
        const auto number = [&](int i) {
            return statement.getColumn(i).isNull() ? 0 : statement.getColumn(i).getInt64();
        };
        totals.push_back({statement.getColumn(0).getString(), number(1), number(2), number(3),
                          number(4), number(5), number(6)});
    }
    return totals;
}

}  // namespace funnel
