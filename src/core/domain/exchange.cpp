#include "funnel/domain/exchange.hpp"

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

__int128 power_of_ten(int exponent) {
    __int128 value = 1;
    for (int i = 0; i < exponent; ++i)
        value *= 10;
    return value;
}

__int128 common_divisor(__int128 a, __int128 b) {
    while (b != 0) {
        const __int128 rest = a % b;
        a = b;
        b = rest;
    }
    return a < 0 ? -a : a;
}

RateFraction reduced(__int128 numerator, __int128 denominator) {
    const __int128 divisor = common_divisor(numerator, denominator);
    return {numerator / divisor, denominator / divisor};
}

__int128 product(__int128 a, __int128 b) {
    __int128 result;
    if (__builtin_mul_overflow(a, b, &result))
        throw runtime_failure("a converted amount is beyond what funnel can count");
    return result;
}

// The decimal digits of a positive whole number.
std::string digits_of(__int128 value) {
    std::string text;
    do {
        text.insert(text.begin(), char('0' + int(value % 10)));
        value /= 10;
    } while (value > 0);
    return text;
}

}  // namespace

ExactRate parse_rate(std::string_view text) {
    const std::string_view given = trim(text);
    const auto bad = [](std::string_view why) { return invalid_input(std::string(why)); };
    if (given.empty()) throw bad("expected a positive decimal number like 0.92");
    std::int64_t digits = 0;
    int scale = 0, significant = 0;
    bool point = false, any = false;
    for (const char c : given) {
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9') throw bad("expected a positive decimal number like 0.92");
        any = true;
        if (digits > 0 || c != '0') ++significant;
        if (significant > max_rate_digits)
            throw bad(fmt::format("at most {} significant digits", max_rate_digits));
        digits = digits * 10 + (c - '0');
        if (point) ++scale;
    }
    if (!any) throw bad("expected a positive decimal number like 0.92");
    if (digits == 0) throw bad("a rate is more than 0");
    while (scale > 0 && digits % 10 == 0) {
        digits /= 10;
        --scale;
    }
    return {digits, scale};
}

std::string format_rate(const ExactRate& rate) {
    std::string text = std::to_string(rate.digits);
    if (rate.scale == 0) return text;
    if (int(text.size()) <= rate.scale)
        text.insert(0, std::size_t(rate.scale + 1) - text.size(), '0');
    text.insert(text.size() - std::size_t(rate.scale), ".");
    return text;
}

RateFraction fraction_of(const ExactRate& rate) {
    return reduced(rate.digits, power_of_ten(rate.scale));
}

RateFraction inverse(const RateFraction& rate) {
    return {rate.denominator, rate.numerator};
}

RateFraction times(const RateFraction& a, const RateFraction& b) {
    return reduced(product(a.numerator, b.numerator), product(a.denominator, b.denominator));
}

std::string format_fraction(const RateFraction& rate) {
    // Scaled by 10^decimals to 10 significant digits (or all the whole part), rounded.
    const __int128 least = power_of_ten(max_rate_digits - 1);
    int decimals = 0;
    while (decimals < 24 &&
           product(rate.numerator, power_of_ten(decimals)) / rate.denominator < least)
        ++decimals;
    const __int128 scaled =
        (product(product(rate.numerator, power_of_ten(decimals)), 2) + rate.denominator) /
        product(rate.denominator, 2);
    std::string text = digits_of(scaled);
    if (decimals == 0) return text;
    if (int(text.size()) <= decimals) text.insert(0, std::size_t(decimals + 1) - text.size(), '0');
    text.insert(text.size() - std::size_t(decimals), ".");
    while (text.back() == '0')
        text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

std::int64_t convert_minor(std::int64_t minor, int from_digits, int to_digits,
                           const RateFraction& rate) {
    __int128 numerator = product(product(minor, rate.numerator), power_of_ten(to_digits));
    const __int128 denominator = product(rate.denominator, power_of_ten(from_digits));
    const bool negative = numerator < 0;
    if (negative) numerator = -numerator;
    __int128 result = (product(numerator, 2) + denominator) / product(denominator, 2);
    if (negative) result = -result;
    if (result > INT64_MAX || result < INT64_MIN)
        throw runtime_failure("a converted amount is beyond what funnel can count");
    return std::int64_t(result);
}

std::string describe_rate(std::string_view from, std::string_view to, const FoundRate& found) {
    const std::string rate = fmt::format("1 {} = {} {}", from, format_fraction(found.rate), to);
    switch (found.source) {
        case RateSource::same:
            return rate;
        case RateSource::given:
            return fmt::format("{} ({})", rate, format_date(found.day));
        case RateSource::inverse:
            return fmt::format("{} (inverse of {}/{}, {})", rate, to, from, format_date(found.day));
        case RateSource::cross:
            return fmt::format("{} (through {}, {})", rate, found.via, format_date(found.day));
    }
    return rate;
}

}  // namespace funnel
