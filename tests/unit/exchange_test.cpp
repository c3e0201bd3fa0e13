#include <doctest/doctest.h>

#include "funnel/domain/exchange.hpp"
#include "funnel/error.hpp"

using namespace funnel;

TEST_CASE("rates are exact decimals of at most ten significant digits") {
    CHECK(parse_rate("0.92") == ExactRate{92, 2});
    CHECK(parse_rate(" 163.250 ") == ExactRate{16325, 2});
    CHECK(parse_rate("1") == ExactRate{1, 0});
    CHECK(parse_rate("0.0000012345") == ExactRate{12345, 10});
    CHECK(parse_rate("1234567890") == ExactRate{1234567890, 0});
    CHECK(format_rate(parse_rate("0.9200")) == "0.92");
    CHECK(format_rate(parse_rate("0.0000012345")) == "0.0000012345");
    CHECK(format_rate(parse_rate("25.5")) == "25.5");
    for (const char* bad :
         {"", "0", "0.000", "-1", "1e3", "1,5", "1.2.3", "12345678901", "abc", "."}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_rate(bad), Error);
    }
    CHECK_THROWS_WITH(parse_rate("12345678901"), "at most 10 significant digits");
    CHECK_THROWS_WITH(parse_rate("0"), "a rate is more than 0");
    CHECK_THROWS_WITH(parse_rate("1,5"), "expected a positive decimal number like 0.92");
}

TEST_CASE("a converted amount is rounded once, half away from zero, to the target's minor unit") {
    const auto eur_in_usd = fraction_of(parse_rate("1.0875"));
    CHECK(convert_minor(100, 2, 2, eur_in_usd) == 109);          // 1.0875 -> 1.09
    CHECK(convert_minor(1000000, 2, 2, eur_in_usd) == 1087500);  // 10,000.00 EUR
    CHECK(convert_minor(200, 2, 2, eur_in_usd) == 218);          // 2.175 -> 2.18
    // Into a currency without decimals, and one with three.
    CHECK(convert_minor(1050, 2, 0, fraction_of(parse_rate("163.25"))) == 1714);  // 1,714.125
    CHECK(convert_minor(1000, 2, 3, fraction_of(parse_rate("0.3071"))) == 3071);
    // The inverse undoes the rate exactly, and a cross rate multiplies two.
    const auto usd_in_eur = inverse(eur_in_usd);
    CHECK(convert_minor(1087500, 2, 2, usd_in_eur) == 1000000);
    const auto gbp_in_eur = inverse(fraction_of(parse_rate("0.86")));
    const auto usd_in_gbp = times(usd_in_eur, inverse(gbp_in_eur));
    CHECK(convert_minor(10000, 2, 2, usd_in_gbp) == 7908);  // 100 / 1.0875 * 0.86 = 79.08
    // The largest amount at a large rate still fits.
    CHECK(convert_minor(99999999999999, 2, 0, fraction_of(parse_rate("9999"))) ==
          9998999999999900);  // 999,999,999,999.99 x 9999
    CHECK_THROWS_AS(convert_minor(99999999999999, 2, 2, fraction_of(parse_rate("999999999"))),
                    Error);
}

TEST_CASE("rates for people: ten significant digits") {
    CHECK(format_fraction(fraction_of(parse_rate("0.92"))) == "0.92");
    CHECK(format_fraction(inverse(fraction_of(parse_rate("0.92")))) == "1.086956522");
    CHECK(format_fraction(inverse(fraction_of(parse_rate("163.25")))) == "0.006125574273");
    CHECK(format_fraction(fraction_of(parse_rate("1234567890"))) == "1234567890");
    FoundRate found{inverse(fraction_of(parse_rate("0.92"))), RateSource::inverse, Date{}, ""};
    found.day = *parse_iso_date("2026-11-27");
    CHECK(describe_rate("EUR", "USD", found) ==
          "1 EUR = 1.086956522 USD (inverse of USD/EUR, 2026-11-27)");
}
