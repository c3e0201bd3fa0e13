#include <algorithm>

#include <fmt/format.h>

#include "funnel/error.hpp"
#include "funnel/store.hpp"
#include "funnel/text.hpp"
#include "store_impl.hpp"

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

const char* const opportunity_select = R"sql(
SELECT o.id, o.name, o.org_id, g.name, o.contact_id, c.name, o.amount, o.currency, o.close_date,
       o.stage_id, s.name, s.state, s.category, o.probability, o.type, o.next_step,
       o.description, o.owner, o.source, o.created_at, o.updated_at, o.stage_changed_at,
       o.closed_at, o.lost_reason
FROM opportunity o
JOIN stage s ON s.id = o.stage_id
LEFT JOIN organization g ON g.id = o.org_id
LEFT JOIN contact c ON c.id = o.contact_id)sql";

Opportunity read_opportunity(SQLite::Statement& row) {
    Opportunity deal;
    deal.id = row.getColumn(0).getInt64();
    deal.name = row.getColumn(1).getString();
    deal.org_id = sql::optional_id(row.getColumn(2));
    deal.org = sql::text(row.getColumn(3));
    deal.contact_id = sql::optional_id(row.getColumn(4));
    deal.contact = sql::text(row.getColumn(5));
    const std::string code = row.getColumn(7).getString();
    const auto currency = Currency::find(code);
    if (!currency) throw runtime_failure(fmt::format("damaged currency {} in the data file", code));
    deal.amount = Money{row.getColumn(6).getInt64(), *currency};
    deal.close_date = sql::date(row.getColumn(8));
    deal.stage_id = row.getColumn(9).getInt64();
    deal.stage = row.getColumn(10).getString();
    deal.state = parse_stage_state(row.getColumn(11).getString());
    deal.category = parse_forecast_category(row.getColumn(12).getString());
    deal.probability = row.getColumn(13).getInt();
    deal.type = parse_deal_type(row.getColumn(14).getString());
    deal.next_step = sql::text(row.getColumn(15));
    deal.description = sql::text(row.getColumn(16));
    deal.owner = sql::text(row.getColumn(17));
    deal.source = sql::text(row.getColumn(18));
    deal.created_at = row.getColumn(19).getString();
    deal.updated_at = row.getColumn(20).getString();
    deal.stage_changed_at = row.getColumn(21).getString();
    deal.closed_at = sql::optional_date(row.getColumn(22));
    deal.lost_reason = sql::text(row.getColumn(23));
    return deal;
}

// The columns both insert and update write, in this order, from parameter 1.
void bind_opportunity(SQLite::Statement& statement, const Opportunity& deal) {
    statement.bind(1, deal.name);
    sql::bind_id(statement, 2, deal.org_id);
    sql::bind_id(statement, 3, deal.contact_id);
    statement.bind(4, deal.amount.minor);
    statement.bind(5, std::string(deal.amount.currency.code()));
    statement.bind(6, format_date(deal.close_date));
    statement.bind(7, deal.stage_id);
    statement.bind(8, std::string(to_string(deal.state)));
    statement.bind(9, deal.probability);
    statement.bind(10, std::string(to_string(deal.type)));
    sql::bind_text(statement, 11, deal.next_step);
    sql::bind_text(statement, 12, deal.description);
    sql::bind_text(statement, 13, deal.owner);
    sql::bind_text(statement, 14, deal.source);
    statement.bind(15, deal.updated_at);
    statement.bind(16, deal.stage_changed_at);
    if (deal.closed_at)
        statement.bind(17, format_date(*deal.closed_at));
    else
        statement.bind(17);
    sql::bind_text(statement, 18, deal.lost_reason);
}

void record_change(SQLite::Database& db, std::int64_t opp_id, const Timestamp& when,
                   const FieldChange& change, const std::string& note) {
    SQLite::Statement insert(db,
                             "INSERT INTO opportunity_history (opp_id, changed_at, field, "
                             "old_value, new_value, note) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, opp_id);
    insert.bind(2, when);
    insert.bind(3, change.field);
    if (change.old_value)
        insert.bind(4, *change.old_value);
    else
        insert.bind(4);
    if (change.new_value)
        insert.bind(5, *change.new_value);
    else
        insert.bind(5);
    sql::bind_text(insert, 6, note);
    insert.exec();
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

std::string like_pattern(std::string_view text) {
    std::string pattern = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

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
        const std::string pattern = like_pattern(filter.search);
        where.add(
            "(o.name LIKE ? ESCAPE '\\' OR o.description LIKE ? ESCAPE '\\' OR o.next_step LIKE ? "
            "ESCAPE '\\' OR g.name LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 5; ++i)
            where.values.push_back(pattern);
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
            key = "o.amount * o.probability";
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
    return fmt::format(" ORDER BY {0}{1}, o.id{1}", key, direction);
}

void bind_all(SQLite::Statement& statement, const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        statement.bind(int(i) + 1, values[i]);
}

}  // namespace

std::int64_t Store::insert_opportunity(const Opportunity& deal) {
    SQLite::Statement insert(
        impl_->db,
        "INSERT INTO opportunity (name, org_id, contact_id, amount, currency, close_date, "
        "stage_id, state, probability, type, next_step, description, owner, source, updated_at, "
        "stage_changed_at, closed_at, lost_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind_opportunity(insert, deal);
    insert.bind(19, deal.created_at);
    insert.exec();
    const std::int64_t id = impl_->db.getLastInsertRowid();
    record_change(impl_->db, id, deal.created_at, {"created", std::nullopt, deal.name}, "");
    return id;
}

std::optional<Opportunity> Store::find_opportunity(std::int64_t id) {
    SQLite::Statement query(impl_->db, std::string(opportunity_select) + " WHERE o.id = ?");
    query.bind(1, id);
    if (query.executeStep()) return read_opportunity(query);
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
    SQLite::Statement update(
        impl_->db,
        "UPDATE opportunity SET name = ?, org_id = ?, contact_id = ?, amount = ?, currency = ?, "
        "close_date = ?, stage_id = ?, state = ?, probability = ?, type = ?, next_step = ?, "
        "description = ?, owner = ?, source = ?, updated_at = ?, stage_changed_at = ?, "
        "closed_at = ?, lost_reason = ? WHERE id = ?");
    bind_opportunity(update, written);
    update.bind(19, after.id);
    update.exec();
    std::size_t note_index = 0;
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (changes[i].field == "stage") note_index = i;
    for (std::size_t i = 0; i < changes.size(); ++i)
        record_change(impl_->db, after.id, when, changes[i], i == note_index ? note : "");
    return true;
}

void Store::delete_opportunity(std::int64_t id) {
    SQLite::Statement remove(impl_->db, "DELETE FROM opportunity WHERE id = ?");
    remove.bind(1, id);
    remove.exec();
}

void Store::for_each_opportunity(const OppQuery& query,
                                 const std::function<void(const Opportunity&)>& visit) {
    const Where where = where_clause(query.filter);
    std::string sql = opportunity_select + where.sql + order_by(query.sort, query.descending);
    if (query.limit) sql += fmt::format(" LIMIT {}", *query.limit);
    SQLite::Statement statement(impl_->db, sql);
    bind_all(statement, where.values);
    while (statement.executeStep())
        visit(read_opportunity(statement));
}

void Store::for_each_open_deal_by_last_change(
    const std::function<void(const Opportunity&)>& visit) {
    SQLite::Statement statement(
        impl_->db, std::string(opportunity_select) +
                       " WHERE o.state = 'open' ORDER BY o.updated_at, o.id");
    while (statement.executeStep()) visit(read_opportunity(statement));
}

void Store::for_each_deal_with_history(
    const ReportScope& scope, const std::vector<std::string>& fields,
    const std::function<void(const Opportunity&, const std::vector<DealChange>&)>& visit) {
    Where where;
    if (scope.owner) where.add("o.owner = ? COLLATE NOCASE", *scope.owner);
    if (scope.type) where.add("o.type = ?", std::string(to_string(*scope.type)));
    if (scope.currency) where.add("o.currency = ?", *scope.currency);
    SQLite::Statement deals(impl_->db, opportunity_select + where.sql + " ORDER BY o.id");
    bind_all(deals, where.values);
    std::string history_sql =
        "SELECT opp_id, id, changed_at, field, old_value, new_value FROM opportunity_history";
    if (!fields.empty()) {
        history_sql += " WHERE field IN (";
        for (std::size_t i = 0; i < fields.size(); ++i) history_sql += i ? ", ?" : "?";
        history_sql += ")";
    }
    history_sql += " ORDER BY opp_id, id";
    SQLite::Statement history(impl_->db, history_sql);
    bind_all(history, fields);
    bool more_history = history.executeStep();
    std::vector<DealChange> changes;
    while (deals.executeStep()) {
        const Opportunity deal = read_opportunity(deals);
        changes.clear();
        while (more_history && history.getColumn(0).getInt64() < deal.id)
            more_history = history.executeStep();
        while (more_history && history.getColumn(0).getInt64() == deal.id) {
            changes.push_back({history.getColumn(1).getInt64(), history.getColumn(2).getString(),
                               history.getColumn(3).getString(),
                               sql::optional_text(history.getColumn(4)),
                               sql::optional_text(history.getColumn(5))});
            more_history = history.executeStep();
        }
        visit(deal, changes);
    }
}

std::vector<CurrencyTotals> Store::totals(const OppFilter& filter) {
    const Where where = where_clause(filter);
    SQLite::Statement statement(
        impl_->db,
        "SELECT o.currency, sum(o.state = 'open'), sum(CASE WHEN o.state = 'open' THEN o.amount "
        "END), sum(CASE WHEN o.state = 'open' THEN o.amount * o.probability END), "
        "sum(o.state = 'won'), sum(CASE WHEN o.state = 'won' THEN o.amount END), "
        "sum(o.state = 'lost') FROM opportunity o JOIN stage s ON s.id = o.stage_id "
        "LEFT JOIN organization g ON g.id = o.org_id LEFT JOIN contact c ON c.id = o.contact_id" +
            where.sql + " GROUP BY o.currency ORDER BY o.currency");
    bind_all(statement, where.values);
    std::vector<CurrencyTotals> totals;
    while (statement.executeStep()) {
        const auto number = [&](int i) {
            return statement.getColumn(i).isNull() ? 0 : statement.getColumn(i).getInt64();
        };
        totals.push_back({statement.getColumn(0).getString(), number(1), number(2),
                          weighted_from_product_sum(number(3)), number(4), number(5), number(6)});
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
