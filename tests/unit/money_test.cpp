#include "funnel/domain/money.hpp"

#include <doctest/doctest.h>

#include <limits>

#include "funnel/error.hpp"

using namespace funnel;

namespace {
std::string error_of(const char* text, int digits = 2) {
    try {
        parse_amount(text, digits);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid);
        return e.what();
    }
    return "accepted";
}
}  // namespace

TEST_CASE("amounts parse into exact minor units") {
    CHECK(parse_amount("12000", 2) == 1'200'000);
    CHECK(parse_amount("12000.5", 2) == 1'200'050);
    CHECK(parse_amount("12000.50", 2) == 1'200'050);
    CHECK(parse_amount("0.01", 2) == 1);
    CHECK(parse_amount(".5", 2) == 50);
    CHECK(parse_amount("0", 2) == 0);
    CHECK(parse_amount("007", 2) == 700);
    CHECK(parse_amount("+5", 2) == 500);
    CHECK(parse_amount(" 12 ", 2) == 1200);
    CHECK(parse_amount("0.10000", 2) == 10);  // trailing zeros are not extra decimals
}

TEST_CASE("k and m suffixes scale exactly") {
    CHECK(parse_amount("12k", 2) == 1'200'000);
    CHECK(parse_amount("12K", 2) == 1'200'000);
    CHECK(parse_amount("1.5m", 2) == 150'000'000);
    CHECK(parse_amount("1.2345k", 2) == 123'450);
    CHECK(parse_amount("0.001k", 0) == 1);
    CHECK(parse_amount("1.23456k", 2) == 123'456);
    CHECK(error_of("1.234567k") == "at most 2 decimals for this currency");
}

TEST_CASE("currencies with other minor units") {
    CHECK(parse_amount("1500", 0) == 1500);
    CHECK(error_of("1500.5", 0) == "this currency has no decimals");
    CHECK(parse_amount("1.234", 3) == 1234);
    CHECK(error_of("1.2345", 3) == "at most 3 decimals for this currency");
}

TEST_CASE("bad amounts are refused with a reason") {
    CHECK(error_of("-5") == "amounts are never negative");
    CHECK(error_of("12.345") == "at most 2 decimals for this currency");
    for (const char* bad : {"", "abc", "12.", ".", "1e5", "k", "12kk", "0x10", "NaN", "inf"}) {
        CAPTURE(bad);
        CHECK(error_of(bad).find("expected a number") != std::string::npos);
    }
}

TEST_CASE("thousands separators as people write them") {
    CHECK(parse_amount("1,234.56", 2) == 123'456);
    CHECK(parse_amount("1.234,56", 2) == 123'456);
    CHECK(parse_amount("1,234,567.89", 2) == 123'456'789);
    CHECK(parse_amount("1.234.567,89", 2) == 123'456'789);
    CHECK(parse_amount("1.234.567", 2) == 123'456'700);
    CHECK(parse_amount("12 000", 2) == 1'200'000);
    CHECK(parse_amount("1 234,56", 2) == 123'456);
    CHECK(parse_amount("1'234.56", 2) == 123'456);
    CHECK(parse_amount("1_000", 2) == 100'000);
    CHECK(parse_amount("1,5k", 2) == 150'000);
    // A lone comma: two digits after it make a decimal comma, three a thousands separator when
    // the currency has fewer than three decimals.
    CHECK(parse_amount("12,50", 2) == 1250);
    CHECK(parse_amount("12,5", 2) == 1250);
    CHECK(parse_amount("1,234", 2) == 123'400);
    CHECK(parse_amount("1,234", 0) == 1234);
    // A lone point is always the decimal point.
    CHECK(parse_amount("1.234", 3) == 1234);
    CHECK(error_of("1.234") == "at most 2 decimals for this currency");
}

TEST_CASE("separators that could be read two ways are refused with the reason") {
    CHECK(error_of("1,234", 3) ==
          "',' could be a thousands separator or a decimal comma in this currency; write the "
          "amount without it, or with '.' as the decimal point");
    CHECK(error_of("1.234.56,7,8") == "'.' and ',' are mixed up; write 1,234.56 or 1.234,56");
    CHECK(error_of("1,234.5.6") == "'.' and ',' are mixed up; write 1,234.56 or 1.234,56");
    const std::string groups = "thousands separators go between groups of three digits";
    for (const char* bad : {"12,34,567", "1,2345,678", "1234,567.00", "12..5", "1.23.456", ",123",
                            "1 23", "1 0000"}) {
        const std::string text = bad;
        CAPTURE(text);
        CHECK(error_of(bad).find(groups) != std::string::npos);
    }
}

TEST_CASE("amounts have a ceiling") {
    CHECK(parse_amount("999999999999", 2) == 99'999'999'999'900);
    CHECK(parse_amount("999999999999.99", 2) == 99'999'999'999'999);
    CHECK(error_of("1000000000000").find("too large") != std::string::npos);
    CHECK(error_of("1000000000m").find("too large") != std::string::npos);
    CHECK(error_of("99999999999999999999999").find("too large") != std::string::npos);
}

TEST_CASE("formatting with and without thousands separators") {
    CHECK(format_units(1'200'050, 2, Grouping::thousands) == "12,000.50");
    CHECK(format_units(1'200'050, 2, Grouping::none) == "12000.50");
    CHECK(format_units(5, 2, Grouping::thousands) == "0.05");
    CHECK(format_units(0, 2, Grouping::thousands) == "0.00");
    CHECK(format_units(123456789, 0, Grouping::thousands) == "123,456,789");
    CHECK(format_units(100, 0, Grouping::thousands) == "100");
    CHECK(format_units(1000, 0, Grouping::thousands) == "1,000");
    CHECK(format_units(-150, 2, Grouping::thousands) == "-1.50");
    CHECK(format_units(1234, 3, Grouping::none) == "1.234");
    CHECK(format_plain_number(1'200'050, 2) == "12000.5");
    CHECK(format_plain_number(1'200'000, 2) == "12000");
    CHECK(format_plain_number(1, 2) == "0.01");
    CHECK(format_plain_number(0, 2) == "0");
    CHECK(format_plain_number(-250, 2) == "-2.5");
    CHECK(format_plain_number(-5, 3) == "-0.005");
    CHECK(format_plain_number(1'000, 3) == "1");
    CHECK(format_plain_number(1'500, 0) == "1500");
    CHECK(format_plain_number(7, 4) == "0.0007");
    CHECK(format_plain_number(std::numeric_limits<std::int64_t>::min(), 2) ==
          "-92233720368547758.08");
}

TEST_CASE("currencies are ISO 4217 codes") {
    CHECK(Currency::parse("eur").code() == "EUR");
    CHECK(Currency::parse("EUR").digits() == 2);
    CHECK(Currency::parse("JPY").digits() == 0);
    CHECK(Currency::parse("KWD").digits() == 3);
    CHECK(Currency::parse("CLF").digits() == 4);
    CHECK(Currency::parse("usd") == Currency::parse("USD"));
    CHECK_FALSE(Currency::find("EU"));
    CHECK_FALSE(Currency::find("EURO"));
    CHECK_FALSE(Currency::find("XYZ"));
    CHECK_THROWS_WITH_AS(Currency::parse("ZZZ"),
                         "expected an ISO 4217 currency code such as EUR, USD, GBP or JPY", Error);
    CHECK(Currency().code() == "EUR");
}

TEST_CASE("weighted amounts round half up once") {
    CHECK(weighted_minor(1'200'000, 10) == 120'000);
    CHECK(weighted_minor(1, 50) == 1);        // 0.5 rounds up
    CHECK(weighted_minor(1, 49) == 0);        // 0.49 rounds down
    CHECK(weighted_minor(3333, 33) == 1100);  // 1099.89
    CHECK(weighted_minor(999, 0) == 0);
    CHECK(weighted_minor(999, 100) == 999);
    // The largest amount of the currency with the most decimals, at 100 %.
    CHECK(weighted_minor(max_amount_major * 10'000 + 9'999, 100) ==
          max_amount_major * 10'000 + 9'999);
}

TEST_CASE("money prints with its currency") {
    CHECK(format_money({1'200'050, Currency::parse("EUR")}) == "12,000.50 EUR");
    CHECK(format_money({1500, Currency::parse("JPY")}) == "1,500 JPY");
}

TEST_CASE("totals of money are checked, never wrapped") {
    CHECK(max_amount_minor(2) == 99'999'999'999'999);
    CHECK(max_amount_minor(0) == 999'999'999'999);
    CHECK(max_amount_minor(4) == 9'999'999'999'999'999);
    std::int64_t total = 0;
    for (int i = 0; i < 922; ++i)
        add_to(total, max_amount_minor(4));
    CHECK(total == 922 * max_amount_minor(4));
    CHECK_THROWS_WITH_AS(add_to(total, max_amount_minor(4), "the pipeline"),
                         doctest::Contains("the pipeline is out of range"), Error);
    CHECK(total == 922 * max_amount_minor(4));  // unchanged by the refused addition
}
