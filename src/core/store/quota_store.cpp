#include "funnel/store/quota_store.hpp"

#include <fmt/format.h>

#include "store/connection.hpp"

namespace funnel {

namespace {

constexpr const char* quota_columns =
    "SELECT id, owner, granularity, first_day, last_day, amount, currency FROM quota";

// Rows of the same period: the same days and granularity.
constexpr const char* same_period = "granularity = ? AND first_day = ? AND last_day = ?";

std::string_view granularity_name(Granularity granularity) {
    switch (granularity) {
        case Granularity::month:
            return "month";
        case Granularity::quarter:
            return "quarter";
        case Granularity::year:
            return "year";
    }
    return "month";
}

Quota read_quota(sql::Cursor& row) {
    Quota quota;
    quota.id = row.integer(0);
    if (!row.null(1)) quota.owner = row.string(1);
    quota.period = {parse_granularity(row.text(2)), *parse_iso_date(row.text(3)),
                    *parse_iso_date(row.text(4))};
    quota.amount = {row.integer(5), Currency::parse(row.text(6))};
    return quota;
}

void bind_period(sql::Cursor& statement, int first, const Period& period) {
    statement.bind(first, std::string(granularity_name(period.granularity)));
    statement.bind(first + 1, format_date(period.first));
    statement.bind(first + 2, format_date(period.last));
}

}  // namespace

std::optional<Quota> QuotaStore::find(const std::optional<std::string>& owner,
                                      const Period& period) {
    sql::Cursor query(connection_->db,
                      fmt::format("{} WHERE {} AND coalesce(owner, '') = ? COLLATE NOCASE",
                                  quota_columns, same_period));
    bind_period(query, 1, period);
    query.bind(4, owner.value_or(""));
    if (!query.step()) return std::nullopt;
    return read_quota(query);
}

std::optional<Quota> QuotaStore::set(const Quota& quota) {
    auto replaced = find(quota.owner, quota.period);
    if (replaced) {
        sql::Cursor update(connection_->db,
                           "UPDATE quota SET owner = ?, amount = ?, currency = ? WHERE id = ?");
        update.bind_text(1, quota.owner.value_or(""));
        update.bind(2, quota.amount.minor);
        update.bind(3, std::string(quota.amount.currency.code()));
        update.bind(4, replaced->id);
        update.step();
        return replaced;
    }
    sql::Cursor insert(connection_->db,
                       "INSERT INTO quota (owner, granularity, first_day, last_day, amount, "
                       "currency) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind_text(1, quota.owner.value_or(""));
    bind_period(insert, 2, quota.period);
    insert.bind(5, quota.amount.minor);
    insert.bind(6, std::string(quota.amount.currency.code()));
    insert.step();
    return std::nullopt;
}

std::optional<Quota> QuotaStore::unset(const std::optional<std::string>& owner,
                                       const Period& period) {
    auto removed = find(owner, period);
    if (!removed) return std::nullopt;
    sql::Cursor remove(connection_->db, "DELETE FROM quota WHERE id = ?");
    remove.bind(1, removed->id);
    remove.step();
    return removed;
}

std::vector<Quota> QuotaStore::list(const std::optional<Period>& period) {
    sql::Cursor query(
        connection_->db,
        fmt::format("{}{} ORDER BY first_day, last_day, owner IS NOT NULL, owner COLLATE NOCASE",
                    quota_columns, period ? fmt::format(" WHERE {}", same_period) : ""));
    if (period) bind_period(query, 1, *period);
    std::vector<Quota> quotas;
    while (query.step())
        quotas.push_back(read_quota(query));
    return quotas;
}

}  // namespace funnel
