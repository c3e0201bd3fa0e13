// Exchange rates, exact: a rate as given is a decimal of up to 10 significant digits, kept as
// that text; inverses and cross rates are fractions of whole numbers; a converted amount is
// rounded once, to the minor unit of the currency it is converted into.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "funnel/domain/date.hpp"

namespace funnel {

inline constexpr int max_rate_digits = 10;

// 1 unit of one currency is `digits / 10^scale` units of another: 0.92 is {92, 2}.
struct ExactRate {
    std::int64_t digits = 1;
    int scale = 0;
    bool operator==(const ExactRate&) const = default;
};
// "0.92", "163.25", "1": a positive decimal of at most 10 significant digits. Throws
// Error(invalid) saying what is wrong ("at most 10 significant digits"), for the caller to name
// the value.
ExactRate parse_rate(std::string_view text);
// The rate as a plain decimal, without trailing zeros: "0.92".
std::string format_rate(const ExactRate& rate);

// A rate as a fraction in lowest terms: what inverses and cross rates are.
struct RateFraction {
    __int128 numerator = 1;
    __int128 denominator = 1;
};
RateFraction fraction_of(const ExactRate& rate);
RateFraction inverse(const RateFraction& rate);
RateFraction times(const RateFraction& a, const RateFraction& b);
// For people: the fraction as a decimal rounded to 10 significant digits ("1.086956522").
std::string format_fraction(const RateFraction& rate);

// `minor` units of a currency with `from_digits` decimals, in minor units of a currency with
// `to_digits` decimals at `rate`, rounded half away from zero. Error(runtime) when the result
// is beyond 64 bits.
std::int64_t convert_minor(std::int64_t minor, int from_digits, int to_digits,
                           const RateFraction& rate);

// How a rate from one currency to another on a day was found.
enum class RateSource {
    same,     // the same currency: 1
    given,    // as set or imported
    inverse,  // the inverse of the rate given the other way
    cross,    // through the file's currency: from → base × base → to
};

struct FoundRate {
    RateFraction rate;
    RateSource source = RateSource::same;
    // The day of the rate given (the earlier of two for a cross rate): the rate in force on a
    // day is the last one given on or before it.
    Date day;
    std::string via;  // the base currency of a cross rate
};

// "1 USD = 0.92 EUR (2026-11-27)", "... (inverse of EUR/USD, 2026-11-27)", "... (through EUR,
// 2026-11-27)".
std::string describe_rate(std::string_view from, std::string_view to, const FoundRate& found);

}  // namespace funnel
