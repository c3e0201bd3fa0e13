#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/store_impl.hpp"

namespace funnel {

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
    };
    const std::string word = ascii_lower(trim(text));
    for (const auto& [name, sort] : names)
        if (name == word) return sort;
    throw invalid_input(
        "expected close, amount, weighted, probability, stage, name, id or updated");
}

namespace {

// Every column of a deal, in the order read_opportunity reads them. Reports that read every
// deal leave out the organization and contact names, which they do not show: two lookups less
// per deal.
std::string select_opportunities(bool with_names, const std::string& more_columns = "") {
    return std::string("SELECT o.id, o.name, o.org_id, ") + (with_names ? "g.name" : "NULL") +
           ", o.contact_id, " + (with_names ? "c.name" : "NULL") + R"sql(, o.amount, o.currency,
       o.close_date, o.stage_id, s.name, s.state, s.category, o.probability, o.type,
       o.next_step, o.description, o.owner, o.source, o.created_at, o.updated_at,
       o.stage_changed_at, o.closed_at, o.lost_reason, o.external_id)sql" +
           more_columns + R"sql(
FROM opportunity o
JOIN stage s ON s.id = o.stage_id)sql" +
           (with_names ? " LEFT JOIN organization g ON g.id = o.org_id LEFT JOIN contact c ON "
                         "c.id = o.contact_id"
                       : "");
}

// The columns of select_opportunities, in order; more_columns follow from `more`.
namespace column {
enum : int {
    id,
    name,
    org_id,
    org,
    contact_id,
    contact,
    amount,
    currency,
    close_date,
    stage_id,
    stage,
    state,
    category,
    probability,
    type,
    next_step,
    description,
    owner,
    source,
    created_at,
    updated_at,
    stage_changed_at,
    closed_at,
    lost_reason,
    external_id,
    more
};
}  // namespace column

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

Opportunity read_opportunity(const sql::Cursor& row) {
    Opportunity deal;
    deal.id = row.integer(column::id);
    deal.name = row.string(column::name);
    deal.org_id = optional_integer(row, column::org_id);
    deal.org = optional_string(row, column::org);
    deal.contact_id = optional_integer(row, column::contact_id);
    deal.contact = optional_string(row, column::contact);
    const auto currency = Currency::find(row.text(column::currency));
    if (!currency)
        throw runtime_failure(
            fmt::format("damaged currency {} in the data file", row.string(column::currency)));
    deal.amount = Money{row.integer(column::amount), *currency};
    deal.close_date = date_column(row, column::close_date);
    deal.stage_id = row.integer(column::stage_id);
    deal.stage = row.string(column::stage);
    deal.state = parse_stage_state(row.text(column::state));
    deal.category = parse_forecast_category(row.text(column::category));
    deal.probability = int(row.integer(column::probability));
    deal.type = parse_deal_type(row.text(column::type));
    deal.next_step = optional_string(row, column::next_step);
    deal.description = optional_string(row, column::description);
    deal.owner = optional_string(row, column::owner);
    deal.source = optional_string(row, column::source);
    deal.created_at = row.string(column::created_at);
    deal.updated_at = row.string(column::updated_at);
    deal.stage_changed_at = row.string(column::stage_changed_at);
    if (!row.null(column::closed_at)) deal.closed_at = date_column(row, column::closed_at);
    deal.lost_reason = optional_string(row, column::lost_reason);
    deal.external_id = optional_string(row, column::external_id);
    return deal;
}

void record_change(SQLite::Database& db, std::int64_t opp_id, const Timestamp& when,
                   const FieldChange& change, const std::string& note) {
    sql::Cursor insert(db, sql::insert_history);
    sql::bind_change(insert, opp_id, when, change, note);
    insert.run();
}

// A WHERE clause and the values it binds, in order.
struct Where {
    std::string sql;
    std::vector<std::string> values;

    void add(const std::string& condition) {
        sql += (sql.empty() ? " WHERE " : " AND ") + condition;
    }
    void add(const std::string& condition, std::string value) {
        add(condition);
        values.push_back(std::move(value));
    }
};

Where where_clause(const OppFilter& filter) {
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

std::string order_by(OppSort sort, bool descending) {
    const char* key = "o.close_date";
    switch (sort) {
        case OppSort::close:
            key = "o.close_date";
            break;
        case OppSort::amount:
            key = "o.amount";
            break;
        case OppSort::weighted:
            key = sql::weighted_amount;
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
    }
    const char* direction = descending ? " DESC" : "";
    if (sort == OppSort::id) return fmt::format(" ORDER BY o.id{}", direction);
    // Minor units of different currencies do not compare (5,000,000 JPY is not more than
    // 47,500 EUR): money sorts within each currency, the currencies in alphabetical order.
    if (sort == OppSort::amount || sort == OppSort::weighted)
        return fmt::format(" ORDER BY o.currency, {0}{1}, o.id{1}", key, direction);
    return fmt::format(" ORDER BY {0}{1}, o.id{1}", key, direction);
}

template <typename Statement>
void bind_all(Statement& statement, const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        statement.bind(int(i) + 1, values[i]);
}

}  // namespace

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
}

std::int64_t Store::insert_opportunity(const Opportunity& deal) {
    sql::Cursor insert(impl_->db, sql::insert_opportunity);
    bind_opportunity(insert, deal);
    insert.bind(20, deal.created_at);
    insert.run();
    const std::int64_t id = impl_->db.getLastInsertRowid();
    record_change(impl_->db, id, deal.created_at, {"created", std::nullopt, deal.name}, "");
    return id;
}

std::optional<Opportunity> Store::find_opportunity(std::int64_t id) {
    sql::Cursor query(impl_->db, opportunity_select + " WHERE o.id = ?");
    query.bind(1, id);
    if (query.step()) return read_opportunity(query);
    return std::nullopt;
}

Opportunity Store::opportunity(std::int64_t id) {
    if (auto deal = find_opportunity(id)) return *deal;
    throw not_found(fmt::format("no opportunity with id {}", id));
}

bool Store::update_opportunity(const Opportunity& before, const Opportunity& after,
                               const Timestamp& when, const std::string& note) {
    const auto changes = changes_between(before, after);
    if (changes.empty()) return false;
    Opportunity written = after;
    // A change dated in the past does not make the record look older than it was.
    written.updated_at = std::max(before.updated_at, when);
    if (before.stage_id != after.stage_id) written.stage_changed_at = when;
    sql::Cursor update(
        impl_->db,
        "UPDATE opportunity SET name = ?, org_id = ?, contact_id = ?, amount = ?, currency = ?, "
        "close_date = ?, stage_id = ?, state = ?, probability = ?, type = ?, next_step = ?, "
        "description = ?, owner = ?, source = ?, updated_at = ?, stage_changed_at = ?, "
        "closed_at = ?, lost_reason = ?, external_id = ? WHERE id = ?");
    bind_opportunity(update, written);
    update.bind(20, after.id);
    update.run();
    std::size_t note_index = 0;
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (changes[i].field == "stage") note_index = i;
    for (std::size_t i = 0; i < changes.size(); ++i)
        record_change(impl_->db, after.id, when, changes[i], i == note_index ? note : "");
    return true;
}

DealDependents Store::dependents_of(std::int64_t id) {
    SQLite::Statement query(impl_->db, R"sql(
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

void Store::delete_opportunity(std::int64_t id, const Timestamp& now) {
    // The schema cascades a deal's delete to its activities; they are the user's record of
    // calls and meetings, so they are unlinked first.
    SQLite::Statement unlink(impl_->db,
                             "UPDATE activity SET opp_id = NULL, updated_at = ? WHERE opp_id = ?");
    unlink.bind(1, now);
    unlink.bind(2, id);
    unlink.exec();
    SQLite::Statement remove(impl_->db, "DELETE FROM opportunity WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
}

namespace {

// The deals a list asks for, in its order, ready to step through.
sql::Cursor list_cursor(SQLite::Database& db, const OppQuery& query) {
    const Where where = where_clause(query.filter);
    std::string sql = opportunity_select + where.sql + order_by(query.sort, query.descending);
    if (query.limit) sql += fmt::format(" LIMIT {}", *query.limit);
    sql::Cursor cursor(db, sql);
    bind_all(cursor, where.values);
    return cursor;
}

}  // namespace

void Store::for_each_opportunity(const OppQuery& query,
                                 const std::function<void(const Opportunity&)>& visit) {
    sql::Cursor statement = list_cursor(impl_->db, query);
    while (statement.step())
        visit(read_opportunity(statement));
}

void Store::for_each_deal_columns(const OppQuery& query,
                                  const std::function<void(const DealColumns&)>& visit) {
    sql::Cursor row = list_cursor(impl_->db, query);
    DealColumns deal;
    while (row.step()) {
        deal.id = row.integer(column::id);
        deal.name = row.text(column::name);
        deal.org_id = optional_integer(row, column::org_id);
        deal.org = row.text(column::org);
        deal.contact_id = optional_integer(row, column::contact_id);
        deal.contact = row.text(column::contact);
        deal.amount = row.integer(column::amount);
        deal.currency = row.text(column::currency);
        deal.close_date = row.text(column::close_date);
        deal.stage = row.text(column::stage);
        deal.category = row.text(column::category);
        deal.probability = int(row.integer(column::probability));
        deal.type = row.text(column::type);
        deal.next_step = row.text(column::next_step);
        deal.description = row.text(column::description);
        deal.owner = row.text(column::owner);
        deal.source = row.text(column::source);
        deal.created_at = row.text(column::created_at);
        deal.updated_at = row.text(column::updated_at);
        deal.closed_at = row.text(column::closed_at);
        deal.lost_reason = row.text(column::lost_reason);
        deal.external_id = row.text(column::external_id);
        visit(deal);
    }
}

void Store::for_each_open_deal_by_last_touch(
    const std::function<void(const Opportunity&, const Timestamp& touched)>& visit) {
    sql::Cursor statement(impl_->db,
                          select_opportunities(false,
                                               ", max(o.updated_at, coalesce((SELECT "
                                               "max(a.updated_at) FROM activity a WHERE a.opp_id = "
                                               "o.id), '')) AS touched") +
                              " WHERE o.state = 'open' ORDER BY touched, o.id");
    while (statement.step())
        visit(read_opportunity(statement), statement.string(column::more));
}

void Store::record_event(std::int64_t opp_id, const Timestamp& when, const FieldChange& event,
                         const std::string& note) {
    record_change(impl_->db, opp_id, when, event, note);
    SQLite::Statement touch(impl_->db,
                            "UPDATE opportunity SET updated_at = max(updated_at, ?) WHERE id = ?");
    touch.bind(1, when);
    touch.bind(2, opp_id);
    touch.exec();
}

void Store::for_each_deal_with_history(
    const ReportScope& scope, const HistoryFilter& filter,
    const std::function<void(const Opportunity&, const std::vector<DealChange>&)>& visit) {
    Where where;
    if (scope.owner) where.add("o.owner = ? COLLATE NOCASE", *scope.owner);
    if (scope.type) where.add("o.type = ?", std::string(to_string(*scope.type)));
    if (scope.currency) where.add("o.currency = ?", *scope.currency);
    sql::Cursor deals(impl_->db, select_opportunities(false) + where.sql + " ORDER BY o.id");
    bind_all(deals, where.values);

    // One cursor per part (a field's reads the (field, opp_id, id) index in order), or one for all.
    const char* const columns =
        "SELECT opp_id, id, changed_at, field, old_value, new_value FROM opportunity_history";
    std::vector<sql::Cursor> cursors;
    for (const auto& part : filter) {
        std::string sql = fmt::format("{} WHERE 1", columns);
        if (part.field) sql += " AND field = ?";
        if (part.after) sql += " AND changed_at > ?";
        if (part.closed_deals_only)
            sql += " AND opp_id IN (SELECT id FROM opportunity WHERE state <> 'open')";
        cursors.emplace_back(impl_->db, sql + " ORDER BY opp_id, id");
        int index = 1;
        if (part.field) cursors.back().bind(index++, *part.field);
        if (part.after) cursors.back().bind(index++, *part.after);
    }
    if (filter.empty())
        cursors.emplace_back(impl_->db, fmt::format("{} ORDER BY opp_id, id", columns));
    // The deal id each cursor stands on; 0 once it is done (ids start at 1).
    std::vector<std::int64_t> at;
    for (auto& cursor : cursors)
        at.push_back(cursor.step() ? cursor.integer(0) : 0);

    const auto optional_value = [](const sql::Cursor& row, int column) {
        return row.null(column) ? std::nullopt : std::optional<std::string>(row.string(column));
    };
    std::vector<DealChange> changes;
    while (deals.step()) {
        const Opportunity deal = read_opportunity(deals);
        changes.clear();
        for (std::size_t c = 0; c < cursors.size(); ++c) {
            auto& cursor = cursors[c];
            const auto advance = [&] { at[c] = cursor.step() ? cursor.integer(0) : 0; };
            while (at[c] && at[c] < deal.id)
                advance();
            while (at[c] == deal.id) {
                changes.push_back({cursor.integer(1), cursor.string(2), cursor.string(3),
                                   optional_value(cursor, 4), optional_value(cursor, 5)});
                advance();
            }
        }
        if (cursors.size() > 1) {
            // Parts may overlap: keep each change once, in the order it was recorded.
            std::sort(changes.begin(), changes.end(),
                      [](const DealChange& a, const DealChange& b) { return a.id < b.id; });
            changes.erase(
                std::unique(changes.begin(), changes.end(),
                            [](const DealChange& a, const DealChange& b) { return a.id == b.id; }),
                changes.end());
        }
        visit(deal, changes);
    }
}

std::vector<CurrencyTotals> Store::totals(const OppFilter& filter) {
    const Where where = where_clause(filter);
    SQLite::Statement statement(
        impl_->db,
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

std::vector<HistoryEntry> Store::history(std::int64_t opp_id) {
    SQLite::Statement query(impl_->db, R"sql(
SELECT h.id, h.opp_id, h.changed_at, h.field,
       CASE h.field
           WHEN 'stage' THEN coalesce((SELECT name FROM stage WHERE id = h.old_value), '#' || h.old_value)
           WHEN 'org' THEN coalesce((SELECT name FROM organization WHERE id = h.old_value), '#' || h.old_value)
           WHEN 'contact' THEN coalesce((SELECT name FROM contact WHERE id = h.old_value), '#' || h.old_value)
           ELSE h.old_value END,
       CASE h.field
           WHEN 'stage' THEN coalesce((SELECT name FROM stage WHERE id = h.new_value), '#' || h.new_value)
           WHEN 'org' THEN coalesce((SELECT name FROM organization WHERE id = h.new_value), '#' || h.new_value)
           WHEN 'contact' THEN coalesce((SELECT name FROM contact WHERE id = h.new_value), '#' || h.new_value)
           ELSE h.new_value END,
       h.note
FROM opportunity_history h WHERE h.opp_id = ? ORDER BY h.id)sql");
    query.bind(1, opp_id);
    std::vector<HistoryEntry> entries;
    while (query.executeStep()) {
        entries.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                           query.getColumn(2).getString(), query.getColumn(3).getString(),
                           sql::optional_text(query.getColumn(4)),
                           sql::optional_text(query.getColumn(5)), sql::text(query.getColumn(6))});
    }
    return entries;
}

}  // namespace funnel
