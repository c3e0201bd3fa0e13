#include "store/store_rows.hpp"

#include <doctest/doctest.h>

using namespace funnel;
using rows::Row;
using rows::Value;
using Kind = rows::Value::Kind;

namespace {
Value text(std::string value) {
    return {Kind::text, 0, std::move(value)};
}
Value number(std::int64_t value) {
    return {Kind::integer, value, {}};
}
Row organization() {
    return {{"id", number(1)},
            {"name", text("ACME")},
            {"created_at", text("2026-11-16T09:00:00")},
            {"updated_at", text("2026-11-16T09:00:00")}};
}
}  // namespace

TEST_CASE("a row as funnel writes it passes") {
    CHECK_FALSE(rows::problem("organization", organization(), true));
    Row with_null = organization();
    with_null.emplace_back("industry", Value{});
    CHECK_FALSE(rows::problem("organization", with_null, true));
}

TEST_CASE("each value is checked by the rule of its column") {
    const auto problem_with = [](const std::string& column, Value value) {
        Row row = organization();
        for (auto& [name, cell] : row)
            if (name == column) cell = value;
        if (column == "industry") row.emplace_back(column, value);
        return rows::problem("organization", row, true).value_or("");
    };
    CHECK(problem_with("id", number(0)) == "id 0: not from 1 to 9007199254740991");
    CHECK(problem_with("id", text("1")) == "id '1': text where a whole number belongs");
    CHECK(problem_with("name", text("")).find("must not be blank") != std::string::npos);
    CHECK(problem_with("name", text(" ACME")) == "name ' ACME': has spaces around it");
    CHECK(problem_with("name", Value{}) == "name is null; it must have a value");
    CHECK(problem_with("industry", text("")) ==
          "industry '': is empty text, which funnel stores as null");
    CHECK(problem_with("created_at", text("2026-02-30T09:00:00")).find("not a moment") !=
          std::string::npos);
    CHECK(problem_with("name", Value{Kind::out_of_range, 0, "9223372036854775808"}) ==
          "name 9223372036854775808: a whole number out of range");
}

TEST_CASE("amounts are checked against the decimals of the row's currency") {
    const auto deal = [](std::int64_t amount, const char* currency) {
        return Row{{"amount", number(amount)}, {"currency", text(currency)}};
    };
    CHECK_FALSE(rows::problem("opportunity", deal(99'999'999'999'999, "EUR"), false));
    CHECK(rows::problem("opportunity", deal(100'000'000'000'000, "EUR"), false));
    CHECK_FALSE(rows::problem("opportunity", deal(999'999'999'999, "JPY"), false));
    CHECK(rows::problem("opportunity", deal(1'000'000'000'000, "JPY"), false));
    CHECK(rows::problem("opportunity", deal(-1, "EUR"), false));
    CHECK(rows::problem("opportunity", Row{{"currency", text("eur")}}, false));
}

TEST_CASE("missing columns unknown columns and empty rows are named") {
    CHECK(rows::problem("organization", {}, true) == "is empty");
    CHECK(rows::problem("organization", {{"id", number(1)}}, true) == "has no name");
    CHECK_FALSE(rows::problem("organization", {{"id", number(1)}}, false));
    CHECK(rows::problem("organization", {{"colour", text("red")}}, false) ==
          "has a field 'colour' that organization does not have");
    CHECK(rows::problem("evil", {{"id", number(1)}}, false) == "evil is not a table of funnel's");
}
