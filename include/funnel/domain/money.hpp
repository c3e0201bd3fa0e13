// Money is exact: integer minor units of an ISO 4217 currency. No floating point anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace funnel {

class Currency {
  public:
    Currency() : Currency("EUR", 2) {}
    // The currency with this ISO 4217 code (any case), or nothing when the code is not one.
    static std::optional<Currency> find(std::string_view code);
    // Like find, but throws Error(invalid) naming what is expected.
    static Currency parse(std::string_view code);

    std::string_view code() const { return {code_, 3}; }
    // Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.
    int digits() const { return digits_; }
    bool operator==(const Currency& other) const { return code() == other.code(); }

  private:
    Currency(std::string_view code, int digits);
    char code_[4] = {};
    int digits_ = 2;
};

struct Money {
    std::int64_t minor = 0;
    Currency currency;
};

// The largest amount accepted on input, in major units: keeps sums of a million deals times a
// probability inside 64 bits for any realistic pipeline.
inline constexpr std::int64_t max_amount_major = 999'999'999'999;

// The minor-unit digits of a currency code; 2 for a code funnel does not know.
int digits_of(std::string_view code);

// Parses "12000", "12000.50", "12k", "1.5m" into minor units of a currency with `digits`
// decimals. Throws Error(invalid) saying what is wrong.
std::int64_t parse_amount(std::string_view text, int digits);

enum class Grouping { none, thousands };
// 1200050 with 2 digits: "12,000.50" (thousands) or "12000.50" (none).
std::string format_units(std::int64_t units, int digits, Grouping grouping);
// As a JSON or CSV number: trailing zeros dropped, "12000.5", "12000".
std::string format_plain_number(std::int64_t units, int digits);
void append_plain_number(std::string& out, std::int64_t units, int digits);
std::string format_money(const Money& money);  // "12,000.50 EUR"

// The largest amount in minor units of a currency with `digits` decimals: 999,999,999,999.99
// for two. Every amount stored is at most this; sums of them are checked (add_to).
std::int64_t max_amount_minor(int digits);

// total += value for totals of money: a total beyond 64-bit integers is Error(runtime) naming
// `what` (the figure), never a wrong figure.
void add_to(std::int64_t& total, std::int64_t value, std::string_view what = "a total");

// A deal's weighted amount: amount × probability / 100, rounded half up to a minor unit, once.
// Every total of weighted amounts (lists, JSON, forecast, pipeline, exports) is the sum of
// these rounded values, so that rows always add up to their total. The store computes the same
// in SQL (sql::weighted_amount).
std::int64_t weighted_minor(std::int64_t amount_minor, int probability);

}  // namespace funnel
