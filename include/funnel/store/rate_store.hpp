// Exchange rates (funnel fx), and the conversion of amounts into one currency that reports make
// with them (--in).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/exchange.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/error.hpp"

namespace funnel {

struct Connection;

struct StoredRate {
    Date day;
    std::string from, to;
    ExactRate rate;
};

class RateStore {
  public:
    explicit RateStore(Connection& connection) : connection_(&connection) {}

    // Gives the rate from → to on `day`, replacing one given for that pair and day. Returns
    // whether it replaced one, and with which rate.
    std::optional<ExactRate> set(const StoredRate& rate);
    // The rates given, by pair then day; of one currency (either side) and days in a range when
    // asked.
    std::vector<StoredRate> list(const std::optional<std::string>& currency,
                                 std::optional<Date> from, std::optional<Date> to);
    std::int64_t count();
    // The rate from → to in force on `day`: the last given on or before it, that pair's or the
    // inverse of the other way's (the later of the two); else through `base` (the file's
    // currency), each leg found so. Nothing when there is none.
    std::optional<FoundRate> find(std::string_view from, std::string_view to, Date day,
                                  std::string_view base);

  private:
    std::optional<std::pair<Date, RateFraction>> one_way(std::string_view from, std::string_view to,
                                                         Date day);
    Connection* connection_;
};

// Amounts converted into one currency: open deals at the rate in force on `open_day`, closed
// ones at the rate of the day they closed; each deal's amount is rounded once, then summed.
// While it lives, the store's SQL can call funnel_in(amount, currency, day) (day NULL: the open
// day); a missing rate stops the query, and rethrow_missing() throws it as Error(not_found)
// naming the pair and the day.
class AmountConverter {
  public:
    AmountConverter(Connection& connection, Currency to, Date open_day, std::string base);
    ~AmountConverter();
    AmountConverter(const AmountConverter&) = delete;
    AmountConverter& operator=(const AmountConverter&) = delete;

    const Currency& currency() const { return to_; }
    Date open_day() const { return open_day_; }
    // The rate from `currency` on `day`; throws Error(not_found) when there is none.
    const FoundRate& rate(std::string_view currency, Date day);
    std::int64_t convert(std::int64_t minor, std::string_view currency, Date day);
    // The rates used for open deals, one per currency converted, for a report's notes.
    std::vector<std::string> open_rates_used() const;
    // Whether an amount in another currency was converted.
    bool converted_any() const;
    // After a query that failed: the missing rate's error when that was the cause.
    void rethrow_missing() const;

    // For the SQL function: the rate of a currency code on a day given as YYYY-MM-DD text, or
    // the open day; nothing (and `missing` set) when there is none.
    struct Entry {
        std::string currency;
        Date day;
        FoundRate found;
        int digits = 2;
    };
    const Entry* entry(std::string_view currency, std::string_view day);
    // The same for an amount, converted: nothing when the rate is missing. The last result is
    // kept, for a query that converts the same amount twice (its weighted amount).
    std::optional<std::int64_t> convert_text(std::int64_t minor, std::string_view currency,
                                             std::string_view day);

  private:
    const Entry& lookup(std::string_view currency, Date day);

    Connection* connection_;
    Currency to_;
    Date open_day_;
    std::string base_;
    std::string open_day_text_;
    // By currency code and day (YYYYMMDD), packed in one number.
    std::unordered_map<std::uint64_t, Entry> entries_;
    std::uint64_t last_key_ = 0;
    const Entry* last_ = nullptr;
    std::int64_t last_minor_ = 0;
    std::int64_t last_result_ = 0;
    bool last_result_known_ = false;
    std::optional<Error> missing_;
};

}  // namespace funnel
