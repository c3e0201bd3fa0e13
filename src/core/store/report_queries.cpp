#include <algorithm>

#include <fmt/format.h>

#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store/connection.hpp"
#include "store/deal_rows.hpp"

namespace funnel {

namespace {

// SQL and the values its placeholders take, in order.
struct Query {
    std::string sql;
    std::vector<std::string> values;

    Query& add(const std::string& text) {
        sql += text;
        return *this;
    }
    Query& bind(const std::string& text, std::string value) {
        sql += text;
        values.push_back(std::move(value));
        return *this;
    }
    SQLite::Statement prepare(SQLite::Database& db) const {
        SQLite::Statement statement(db, sql);
        for (std::size_t i = 0; i < values.size(); ++i)
            statement.bind(int(i) + 1, values[i]);
        return statement;
    }
};

std::string group_expression(DealField group) {
    switch (group) {
        case DealField::none:
            return "NULL";
        case DealField::stage:
            return "s.name";
        case DealField::owner:
            return "o.owner";
        case DealField::type:
            return "o.type";
        case DealField::org:
            return "g.name";
        case DealField::source:
            return "o.source";
    }
    return "NULL";
}

// FROM with only the joins the group needs: the forecast reads a covering index otherwise.
std::string from_clause(DealField group) {
    std::string from = " FROM opportunity o";
    if (group == DealField::stage) from += " JOIN stage s ON s.id = o.stage_id";
    if (group == DealField::org) from += " LEFT JOIN organization g ON g.id = o.org_id";
    return from;
}

// The scope's conditions (scope_where's), after the query's own WHERE.
void add_scope(Query& query, const ReportScope& scope, Connection& connection) {
    const Where where = scope_where(connection, scope);
    constexpr std::string_view keyword = " WHERE ";
    if (where.sql.empty()) return;
    query.add(" AND " + where.sql.substr(keyword.size()));
    query.values.insert(query.values.end(), where.values.begin(), where.values.end());
}

void add_open_where(Query& query, const OpenWindow& window, const ReportScope& scope,
                    Connection& connection) {
    // With the overdue deals, every deal closing up to the last day counts (the window starts
    // on or before today); without, those closing from the later of first day and today. One
    // range either way, so the index is read in order.
    query.add(" WHERE o.state = 'open'");
    if (!window.with_overdue)
        query.bind(" AND o.close_date >= ?", format_date(std::max(window.first, window.today)));
    query.bind(" AND o.close_date <= ?", format_date(window.last));
    add_scope(query, scope, connection);
}

// ", <group>" in a select list or GROUP BY, nothing when not grouped: a constant key would make
// SQLite sort.
std::string group_key(DealField group) {
    return group == DealField::none ? std::string() : ", " + group_expression(group);
}

// With a converter: a deal's amount converted (on `day`, an SQL expression; NULL for the open
// day), as is when it is in the converter's currency already (no call for most deals).
void add_converted(Query& query, const ReportScope& scope, std::string_view day) {
    query.bind("CASE o.currency WHEN ? THEN o.amount ELSE ",
               std::string(scope.in->currency().code()));
    query.add(fmt::format("funnel_in(o.amount, o.currency, {}) END", day));
}

// With a converter: the sums of the deals' amounts converted, and of their weighted amounts
// when `weighted`.
void add_converted_sums(Query& query, const ReportScope& scope, std::string_view day,
                        bool weighted) {
    if (!scope.in) return;
    query.add(", sum(");
    add_converted(query, scope, day);
    query.add(")");
    if (!weighted) return;
    query.add(", sum((");
    add_converted(query, scope, day);
    query.add(" * o.probability + 50) / 100)");
}

Converted converted_at(const ReportScope& scope, SQLite::Statement& row, int column,
                       bool weighted) {
    if (!scope.in) return {};
    return {row.getColumn(column).getInt64(), weighted ? row.getColumn(column + 1).getInt64() : 0};
}

// The next row; a missing exchange rate that stopped the query is thrown as itself.
bool step(SQLite::Statement& statement, const ReportScope& scope) {
    try {
        return statement.executeStep();
    } catch (const SQLite::Exception&) {
        if (scope.in) scope.in->rethrow_missing();
        throw;
    }
}

std::optional<ForecastCategory> own_category(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return parse_forecast_category(column.getString());
}

std::optional<std::string> optional_group(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

}  // namespace

void ReportQueries::aggregate_open_deals(const OpenWindow& window, DealField group,
                                         const ReportScope& scope,
                                         const std::function<void(const OpenAggregate&)>& visit) {
    Query query;
    query.add(
        "SELECT o.close_date, o.currency, o.stage_id, count(*), sum(o.amount), "
        "sum" +
        std::string(sql::weighted_amount) + ", o.category" + group_key(group));
    add_converted_sums(query, scope, "NULL", true);
    query.add(from_clause(group));
    add_open_where(query, window, scope, *connection_);
    // In the order of the covering index: no sorting for an ungrouped forecast.
    query.add(" GROUP BY o.close_date, o.currency, o.stage_id, o.category" + group_key(group));
    auto statement = query.prepare(connection_->db);
    const bool grouped = group != DealField::none;
    while (step(statement, scope)) {
        visit({statement.getColumn(1).getString(), sql::date(statement.getColumn(0)),
               grouped ? optional_group(statement.getColumn(7)) : std::nullopt,
               statement.getColumn(2).getInt64(), statement.getColumn(3).getInt64(),
               statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64(),
               own_category(statement.getColumn(6)),
               converted_at(scope, statement, grouped ? 8 : 7, true)});
    }
}

void ReportQueries::aggregate_closed_deals(
    Date first, Date last, DealField group, const ReportScope& scope,
    const std::function<void(const ClosedAggregate&)>& visit) {
    Query query;
    query.add("SELECT o.state, o.closed_at, o.currency, " + group_expression(group) +
              ", count(*), sum(o.amount)");
    add_converted_sums(query, scope, "o.closed_at", false);
    query.add(from_clause(group) + " WHERE o.state IN ('won', 'lost')")
        .bind(" AND o.closed_at >= ?", format_date(first))
        .bind(" AND o.closed_at <= ?", format_date(last));
    add_scope(query, scope, *connection_);
    query.add(" GROUP BY o.state, o.closed_at, o.currency, 4");
    auto statement = query.prepare(connection_->db);
    while (step(statement, scope)) {
        visit({statement.getColumn(2).getString(), sql::date(statement.getColumn(1)),
               optional_group(statement.getColumn(3)),
               parse_stage_state(statement.getColumn(0).getString()),
               statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64(),
               converted_at(scope, statement, 6, false)});
    }
}

void ReportQueries::for_each_open_deal(const OpenWindow& window, DealField group,
                                       const ReportScope& scope,
                                       const std::function<void(const OpenDeal&)>& visit) {
    Query query;
    query.add("SELECT o.currency, o.close_date, " + group_expression(group) +
              ", o.stage_id, o.amount, o.probability, o.category");
    if (scope.in) {
        query.add(", ");
        add_converted(query, scope, "NULL");
    }
    query.add(from_clause(group));
    add_open_where(query, window, scope, *connection_);
    query.add(" ORDER BY o.id");
    auto statement = query.prepare(connection_->db);
    while (step(statement, scope)) {
        visit({statement.getColumn(0).getString(), sql::date(statement.getColumn(1)),
               optional_group(statement.getColumn(2)), statement.getColumn(3).getInt64(),
               statement.getColumn(4).getInt64(), statement.getColumn(5).getInt(),
               own_category(statement.getColumn(6)), converted_at(scope, statement, 7, false)});
    }
}

std::vector<PerformanceAggregate> ReportQueries::aggregate_performance(Date from, Date to,
                                                                       DealField group,
                                                                       const ReportScope& scope) {
    Query query;
    query.add(
        "SELECT o.currency, o.state, count(*), sum(o.amount), "
        "sum(CASE WHEN o.state = 'won' THEN max(0, CAST(julianday(o.closed_at) - "
        "julianday(substr(o.created_at, 1, 10)) AS INTEGER)) ELSE 0 END)" +
        group_key(group));
    add_converted_sums(query, scope, "o.closed_at", false);
    query.add(from_clause(group) + " WHERE o.state IN ('won', 'lost')")
        .bind(" AND o.closed_at >= ?", format_date(from))
        .bind(" AND o.closed_at <= ?", format_date(to));
    add_scope(query, scope, *connection_);
    query.add(" GROUP BY o.currency, o.state" + group_key(group));
    auto statement = query.prepare(connection_->db);
    std::vector<PerformanceAggregate> rows;
    const bool grouped = group != DealField::none;
    while (step(statement, scope)) {
        const std::string currency = statement.getColumn(0).getString();
        const auto group_value = grouped ? optional_group(statement.getColumn(5)) : std::nullopt;
        const Converted converted = converted_at(scope, statement, grouped ? 6 : 5, false);
        auto row = std::find_if(rows.begin(), rows.end(), [&](const PerformanceAggregate& r) {
            return r.currency == currency && r.group == group_value;
        });
        if (row == rows.end())
            row = rows.insert(rows.end(), {currency, group_value, 0, 0, 0, 0, 0, {}, {}});
        if (statement.getColumn(1).getString() == "won") {
            row->won = statement.getColumn(2).getInt64();
            row->won_amount = statement.getColumn(3).getInt64();
            row->won_cycle_days = statement.getColumn(4).getInt64();
            row->converted_won = converted;
        } else {
            row->lost = statement.getColumn(2).getInt64();
            row->lost_amount = statement.getColumn(3).getInt64();
            row->converted_lost = converted;
        }
    }
    return rows;
}

std::int64_t ReportQueries::count_closed(Date first, Date last) {
    SQLite::Statement query(connection_->db,
                            "SELECT count(*) FROM opportunity WHERE state IN ('won', 'lost') AND "
                            "closed_at BETWEEN ? AND ?");
    query.bind(1, format_date(first));
    query.bind(2, format_date(last));
    query.executeStep();
    return query.getColumn(0).getInt64();
}

std::vector<OpenCount> ReportQueries::count_live_deals(DealField group, Date today,
                                                       const ReportScope& scope) {
    // Idle days as report stale counts them: from the deal's last change or the last change of
    // one of its activities.
    Query query;
    query.add("SELECT o.currency, count(*)" + group_key(group) + from_clause(group) +
              " WHERE o.state = 'open'");
    query.bind(" AND o.close_date >= ?", format_date(today));
    query.bind(
        " AND CAST(julianday(?) - julianday(substr(max(o.updated_at, coalesce((SELECT "
        "max(a.updated_at) FROM activity a WHERE a.opp_id = o.id), '')), 1, 10)) AS INTEGER) < "
        "(SELECT stale_days FROM stage WHERE id = o.stage_id)",
        format_date(today));
    add_scope(query, scope, *connection_);
    query.add(" GROUP BY o.currency" + group_key(group));
    auto statement = query.prepare(connection_->db);
    std::vector<OpenCount> rows;
    const bool grouped = group != DealField::none;
    while (statement.executeStep())
        rows.push_back({statement.getColumn(0).getString(),
                        grouped ? optional_group(statement.getColumn(2)) : std::nullopt,
                        statement.getColumn(1).getInt64()});
    return rows;
}

std::vector<StageAggregate> ReportQueries::aggregate_open_by_stage(Date today,
                                                                   const ReportScope& scope) {
    Query query;
    query
        .add("SELECT o.currency, o.stage_id, count(*), sum(o.amount), sum" +
             std::string(sql::weighted_amount) + ", ")
        .bind(
            "sum(max(0, CAST(julianday(?) - julianday(substr(o.stage_changed_at, 1, 10)) AS "
            "INTEGER)))",
            format_date(today));
    add_converted_sums(query, scope, "NULL", true);
    query.add(" FROM opportunity o WHERE o.state = 'open'");
    add_scope(query, scope, *connection_);
    query.add(" GROUP BY 1, 2");
    auto statement = query.prepare(connection_->db);
    std::vector<StageAggregate> rows;
    while (step(statement, scope)) {
        rows.push_back({statement.getColumn(0).getString(), statement.getColumn(1).getInt64(),
                        statement.getColumn(2).getInt64(), statement.getColumn(3).getInt64(),
                        statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64(),
                        converted_at(scope, statement, 6, true)});
    }
    return rows;
}

void ReportQueries::for_each_open_deal_by_last_touch(
    const ReportScope& scope,
    const std::function<void(const Opportunity&, const Timestamp& touched)>& visit) {
    Query query;
    query.add(select_opportunities(false,
                                   ", max(o.updated_at, coalesce((SELECT max(a.updated_at) FROM "
                                   "activity a WHERE a.opp_id = o.id), '')) AS touched") +
              " WHERE o.state = 'open'");
    add_scope(query, scope, *connection_);
    query.add(" ORDER BY touched, o.id");
    sql::Cursor statement(connection_->db, query.sql);
    bind_all(statement, query.values);
    while (statement.step())
        visit(read_opportunity(statement), statement.string(deal_column::more));
}

}  // namespace funnel
