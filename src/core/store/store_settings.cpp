// The file's settings (its currencies) and what lists and reports ask of it as a whole.
#include <cstdlib>

#include <fmt/format.h>

#include "funnel/store/store.hpp"
#include "store/connection.hpp"

namespace funnel {

Currency Store::default_currency() {
    SQLite::Statement query(connection_->db,
                            "SELECT value FROM meta WHERE key = 'default_currency'");
    if (query.executeStep())
        if (auto currency = Currency::find(query.getColumn(0).getString())) return *currency;
    return *Currency::find("EUR");
}

void Store::set_default_currency(const Currency& currency) {
    SQLite::Statement update(connection_->db,
                             "INSERT INTO meta (key, value) VALUES ('default_currency', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    update.bind(1, std::string(currency.code()));
    update.exec();
}

std::unique_ptr<AmountConverter> Store::converter(Currency to, Date open_day) {
    return std::make_unique<AmountConverter>(*connection_, to, open_day,
                                             std::string(default_currency().code()));
}

int Store::fiscal_start() {
    SQLite::Statement query(connection_->db, "SELECT value FROM meta WHERE key = 'fiscal_start'");
    if (!query.executeStep()) return 1;
    const int month = std::atoi(query.getColumn(0).getString().c_str());
    return month >= 1 && month <= 12 ? month : 1;
}

void Store::set_fiscal_start(int month) {
    if (month == 1) {
        connection_->db.exec("DELETE FROM meta WHERE key = 'fiscal_start'");
        return;
    }
    SQLite::Statement update(connection_->db,
                             "INSERT INTO meta (key, value) VALUES ('fiscal_start', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    update.bind(1, std::to_string(month));
    update.exec();
}

std::optional<Currency> Store::report_currency() {
    SQLite::Statement query(connection_->db,
                            "SELECT value FROM meta WHERE key = 'report_currency'");
    if (query.executeStep()) return Currency::find(query.getColumn(0).getString());
    return std::nullopt;
}

void Store::set_report_currency(const std::optional<Currency>& currency) {
    if (!currency) {
        connection_->db.exec("DELETE FROM meta WHERE key = 'report_currency'");
        return;
    }
    SQLite::Statement update(connection_->db,
                             "INSERT INTO meta (key, value) VALUES ('report_currency', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    update.bind(1, std::string(currency->code()));
    update.exec();
}

DataCounts Store::counts() {
    SQLite::Statement query(connection_->db, R"sql(
SELECT (SELECT count(*) FROM opportunity),
       (SELECT count(*) FROM opportunity WHERE state = 'open'),
       (SELECT count(*) FROM opportunity WHERE state = 'won'),
       (SELECT count(*) FROM opportunity WHERE state = 'lost'),
       (SELECT count(*) FROM organization),
       (SELECT count(*) FROM contact),
       (SELECT count(*) FROM stage),
       (SELECT count(*) FROM opportunity_history))sql");
    query.executeStep();
    return {query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
            query.getColumn(2).getInt64(), query.getColumn(3).getInt64(),
            query.getColumn(4).getInt64(), query.getColumn(5).getInt64(),
            query.getColumn(6).getInt64(), query.getColumn(7).getInt64()};
}

bool Store::tags_in_use(FieldRecord record) {
    const char* const table = record == FieldRecord::opp   ? "opportunity_tag"
                              : record == FieldRecord::org ? "organization_tag"
                                                           : "contact_tag";
    SQLite::Statement query(connection_->db,
                            fmt::format("SELECT EXISTS (SELECT 1 FROM {})", table));
    query.executeStep();
    return query.getColumn(0).getInt() != 0;
}

}  // namespace funnel
