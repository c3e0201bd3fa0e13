// Reading deals' rows: what the stores that read whole deals share (deals, history, reports).
#pragma once

#include <string>
#include <vector>

#include "funnel/domain/opportunity.hpp"
#include "funnel/store/deal_store.hpp"
#include "store/connection.hpp"

namespace funnel {

// SELECT every column of a deal, FROM opportunity o JOIN stage s; `with_names` adds the
// organization's and contact's names (g, c), `more_columns` (", x AS y") follows the deal's.
std::string select_opportunities(bool with_names, const std::string& more_columns = "");

// The columns of select_opportunities, in order; more_columns follow from `more`.
namespace deal_column {
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
    own_category,  // the deal's own category; `category` is the one it counts in
    no_amount,
    tags,    // with names only: the tags joined with ';'
    fields,  // with names only: the custom fields' values as JSON
    more
};
}  // namespace deal_column

// A deal from a row of select_opportunities.
Opportunity read_opportunity(const sql::Cursor& row);

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

// The deals of a report's scope.
Where scope_where(Connection& connection, const ReportScope& scope);

template <typename Statement>
void bind_all(Statement& statement, const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        statement.bind(int(i) + 1, values[i]);
}

}  // namespace funnel
