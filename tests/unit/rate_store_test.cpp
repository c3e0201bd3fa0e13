#include "funnel/store/rate_store.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store_fixtures.hpp"

using namespace funnel;
using namespace funnel::testing;

namespace {

Date nov(int d) {
    return year{2026} / November / d;
}

void give(Store& store, const char* from, const char* to, const char* rate, int d) {
    store.rates().set({nov(d), from, to, parse_rate(rate)});
}

}  // namespace

TEST_CASE("the rate of a day: the last given on or before it, either way, else through the base") {
    Store store = Store::scratch("scratch.db");
    give(store, "USD", "EUR", "0.92", 2);
    give(store, "EUR", "USD", "1.05", 10);
    give(store, "EUR", "GBP", "0.86", 5);
    // Only the given way exists before the 10th.
    auto found = store.rates().find("USD", "EUR", nov(9), "EUR");
    REQUIRE(found);
    CHECK(found->source == RateSource::given);
    CHECK(found->day == nov(2));
    // From the 10th the inverse of EUR/USD is later, so it wins.
    found = store.rates().find("USD", "EUR", nov(10), "EUR");
    REQUIRE(found);
    CHECK(found->source == RateSource::inverse);
    CHECK(format_fraction(found->rate) == "0.9523809524");
    // Nothing before the first rate.
    CHECK_FALSE(store.rates().find("USD", "EUR", nov(1), "EUR"));
    // Two currencies besides the base: through it, dated by the older leg.
    found = store.rates().find("GBP", "USD", nov(12), "EUR");
    REQUIRE(found);
    CHECK(found->source == RateSource::cross);
    CHECK(found->via == "EUR");
    CHECK(found->day == nov(5));
    CHECK(format_fraction(found->rate) == "1.220930233");  // 1.05 / 0.86
    // The same currency is 1; a pair with no leg is nothing.
    CHECK(store.rates().find("USD", "USD", nov(1), "EUR")->source == RateSource::same);
    CHECK_FALSE(store.rates().find("JPY", "USD", nov(12), "EUR"));
    // Given again for the same day: replaced, and said.
    const auto replaced = store.rates().set({nov(10), "EUR", "USD", parse_rate("1.06")});
    REQUIRE(replaced);
    CHECK(*replaced == parse_rate("1.05"));
    CHECK(store.rates().count() == 3);
}

TEST_CASE("a converter converts each amount once, and a missing rate names the pair and the day") {
    Store store = Store::scratch("scratch.db");
    give(store, "EUR", "USD", "1.10", 1);
    give(store, "EUR", "USD", "1.05", 10);
    const auto converter = store.converter(Currency::parse("EUR"), nov(16));
    CHECK(converter->convert(300000, "USD", nov(5)) == 272727);   // 3,000 / 1.10
    CHECK(converter->convert(500000, "USD", nov(16)) == 476190);  // 5,000 / 1.05
    CHECK(converter->convert(123, "EUR", nov(16)) == 123);
    CHECK_THROWS_WITH_AS(converter->convert(100, "GBP", nov(16)),
                         "no exchange rate from GBP to EUR on or before 2026-11-16: give one with "
                         "funnel fx set GBP EUR RATE --on 2026-11-16, or fx import",
                         Error);
    CHECK(converter->open_rates_used() ==
          std::vector<std::string>{"1 USD = 0.9523809524 EUR (inverse of EUR/USD, 2026-11-10)"});
}
