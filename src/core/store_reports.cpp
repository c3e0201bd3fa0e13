#include <fmt/format.h>

#include "funnel/error.hpp"
#include "funnel/store.hpp"
#include "store_impl.hpp"

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

// CASE mapping a date column to its bucket number.
void add_bucket_case(Query& query, const Buckets& buckets, const std::string& column,
                     bool with_overdue) {
    const bool overdue = with_overdue && buckets.overdue_bucket;
    if (!overdue && buckets.starts.size() == 1) {
        query.add("0");  // one bucket: SQL has no CASE without a WHEN
        return;
    }
    query.add("CASE");
    if (overdue)
        query.bind(" WHEN " + column + " < ?", format_date(buckets.today))
            .add(fmt::format(" THEN {}", *buckets.overdue_bucket));
    for (std::size_t i = 1; i < buckets.starts.size(); ++i)
        query.bind(" WHEN " + column + " < ?", format_date(buckets.starts[i]))
            .add(fmt::format(" THEN {}", i - 1));
    query.add(fmt::format(" ELSE {} END", buckets.starts.size() - 1));
}

void add_scope(Query& query, const ReportScope& scope) {
    if (scope.owner) query.bind(" AND o.owner = ? COLLATE NOCASE", *scope.owner);
    if (scope.type) query.bind(" AND o.type = ?", std::string(to_string(*scope.type)));
    if (scope.currency) query.bind(" AND o.currency = ?", *scope.currency);
}

// The open deals a forecast counts: closing within the buckets and not overdue, or overdue
// when there is a bucket for them.
void add_open_where(Query& query, const Buckets& buckets, const ReportScope& scope) {
    const std::string today = format_date(buckets.today);
    query.bind(" WHERE o.state = 'open' AND ((o.close_date >= ?", today)
        .bind(" AND o.close_date >= ?", format_date(buckets.starts.front()))
        .bind(" AND o.close_date <= ?)", format_date(buckets.last_day));
    if (buckets.overdue_bucket) query.bind(" OR o.close_date < ?", today);
    query.add(")");
    add_scope(query, scope);
}

std::optional<std::string> optional_group(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

}  // namespace

std::vector<OpenAggregate> Store::aggregate_open_deals(const Buckets& buckets, DealField group,
                                                       const ReportScope& scope) {
    Query query;
    query.add("SELECT o.currency, ");
    add_bucket_case(query, buckets, "o.close_date", true);
    query
        .add(", " + group_expression(group) +
             ", o.stage_id, count(*), sum(o.amount), sum(o.amount * o.probability), ")
        .bind("sum(o.close_date < ?)", format_date(buckets.today))
        .add(from_clause(group));
    add_open_where(query, buckets, scope);
    query.add(" GROUP BY 1, 2, 3, 4");
    auto statement = query.prepare(impl_->db);
    std::vector<OpenAggregate> rows;
    while (statement.executeStep()) {
        rows.push_back({statement.getColumn(0).getString(), statement.getColumn(1).getInt(),
                        optional_group(statement.getColumn(2)), statement.getColumn(3).getInt64(),
                        statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64(),
                        statement.getColumn(6).getInt64(), statement.getColumn(7).getInt64()});
    }
    return rows;
}

std::vector<ClosedAggregate> Store::aggregate_closed_deals(const Buckets& buckets, DealField group,
                                                           const ReportScope& scope) {
    Query query;
    query.add("SELECT o.currency, ");
    add_bucket_case(query, buckets, "o.closed_at", false);
    query.add(", " + group_expression(group) + ", o.state, count(*), sum(o.amount)")
        .add(from_clause(group))
        .add(" WHERE o.state IN ('won', 'lost')")
        .bind(" AND o.closed_at >= ?", format_date(buckets.starts.front()))
        .bind(" AND o.closed_at <= ?", format_date(buckets.last_day));
    add_scope(query, scope);
    query.add(" GROUP BY 1, 2, 3, 4");
    auto statement = query.prepare(impl_->db);
    std::vector<ClosedAggregate> rows;
    while (statement.executeStep()) {
        rows.push_back({statement.getColumn(0).getString(), statement.getColumn(1).getInt(),
                        optional_group(statement.getColumn(2)),
                        parse_stage_state(statement.getColumn(3).getString()),
                        statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64()});
    }
    return rows;
}

void Store::for_each_open_deal(const Buckets& buckets, DealField group, const ReportScope& scope,
                               const std::function<void(const OpenDeal&)>& visit) {
    Query query;
    query.add("SELECT o.currency, ");
    add_bucket_case(query, buckets, "o.close_date", true);
    query.add(", " + group_expression(group) + ", o.stage_id, o.amount, o.probability")
        .add(from_clause(group));
    add_open_where(query, buckets, scope);
    query.add(" ORDER BY o.id");
    auto statement = query.prepare(impl_->db);
    while (statement.executeStep()) {
        visit({statement.getColumn(0).getString(), statement.getColumn(1).getInt(),
               optional_group(statement.getColumn(2)), statement.getColumn(3).getInt64(),
               statement.getColumn(4).getInt64(), statement.getColumn(5).getInt()});
    }
}

std::vector<StageAggregate> Store::aggregate_open_by_stage(Date today, const ReportScope& scope) {
    Query query;
    query
        .add(
            "SELECT o.currency, o.stage_id, count(*), sum(o.amount), "
            "sum(o.amount * o.probability), ")
        .bind(
            "sum(max(0, CAST(julianday(?) - julianday(substr(o.stage_changed_at, 1, 10)) AS "
            "INTEGER)))",
            format_date(today))
        .add(" FROM opportunity o WHERE o.state = 'open'");
    add_scope(query, scope);
    query.add(" GROUP BY 1, 2");
    auto statement = query.prepare(impl_->db);
    std::vector<StageAggregate> rows;
    while (statement.executeStep()) {
        rows.push_back({statement.getColumn(0).getString(), statement.getColumn(1).getInt64(),
                        statement.getColumn(2).getInt64(), statement.getColumn(3).getInt64(),
                        statement.getColumn(4).getInt64(), statement.getColumn(5).getInt64()});
    }
    return rows;
}

}  // namespace funnel
