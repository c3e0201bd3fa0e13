#include "funnel/domain/filter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "store/filter_sql.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace funnel::testing;

namespace {

std::string error_of(std::string_view text) {
    try {
        parse_filter(text, today);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("filter: the grammar, with and before or and parentheses") {
    const Filter f = parse_filter("amount >= 10k and stage ~ quote or not (owner = Ann)", today);
    REQUIRE(f.kind == Filter::Kind::any);
    REQUIRE(f.parts.size() == 2);
    const Filter& both = f.parts[0];
    REQUIRE(both.kind == Filter::Kind::all);
    CHECK(both.parts[0].field == FilterField::amount);
    CHECK(both.parts[0].op == FilterOp::ge);
    CHECK(both.parts[0].values[0].text == "100000000");  // 10k in units of 10^-4
    CHECK(both.parts[0].values[0].column == 11);
    CHECK(both.parts[1].op == FilterOp::contains);
    CHECK(f.parts[1].kind == Filter::Kind::negation);
    CHECK(f.parts[1].parts[0].values[0].text == "ann");  // folded
    CHECK(tests_field(f, FilterField::owner));
    CHECK_FALSE(tests_field(f, FilterField::close));
}

TEST_CASE("filter: values take the forms the options take") {
    const auto value = [](std::string_view text) {
        return parse_filter(text, today).values.at(0).text;
    };
    CHECK(value("close < eoq") == "2026-12-31");
    CHECK(value("created >= -2w") == "2026-11-02");
    CHECK(value("amount > 1500.50") == "15005000");
    CHECK(value("probability = 50%") == "50");
    CHECK(value("currency = usd") == "USD");
    CHECK(value("type = Existing") == "existing");
    CHECK(value("category = best-case") == "best-case");
    CHECK(value("name = 'O''Brien & Co'") == "o'brien & co");
    CHECK(value("name = \"Société\"") == "société");
    const Filter in = parse_filter("currency in (EUR, usd , gbp)", today);
    CHECK(in.values.size() == 3);
    CHECK(parse_filter("closed is empty", today).op == FilterOp::empty);
    CHECK(parse_filter("OWNER IS NOT EMPTY", today).kind == Filter::Kind::negation);
}

TEST_CASE("filter: errors point at the column and say what was expected") {
    CHECK(error_of("amount >= 10k and amout < 5") ==
          "--where: column 19: unknown field 'amout' (did you mean 'amount'?)");
    CHECK(error_of("zzz = 1").find("unknown field 'zzz'; the fields are name, org") !=
          std::string::npos);
    CHECK(error_of("amount 5") ==
          "--where: column 8: expected an operator after 'amount' (=, !=, <, <=, >, >=, ~, in, "
          "is empty)");
    CHECK(error_of("amount >=") == "--where: column 8: expected a value after '>='");
    CHECK(error_of("amount ~ 5") ==
          "--where: column 8: amount takes =, !=, <, <=, >, >=, is empty; not '~'");
    CHECK(error_of("close < someday").find("column 9: invalid close 'someday'") !=
          std::string::npos);
    CHECK(error_of("probability > 150") ==
          "--where: column 15: invalid probability '150': expected a percentage from 0 to 100");
    CHECK(error_of("currency = XYZ").find("not an ISO 4217 currency code") != std::string::npos);
    CHECK(error_of("(name = a") == "--where: column 1: this '(' is never closed");
    CHECK(error_of("name = a)") == "--where: column 9: this ')' closes nothing");
    CHECK(error_of("name = a b") ==
          "--where: column 10: expected 'and', 'or' or the end, found 'b'");
    CHECK(error_of("name = 'open") == "--where: column 8: this quote is never closed");
    CHECK(error_of("name ! a") == "--where: column 6: expected '!=' after '!'");
    CHECK(error_of("name = a and") == "--where: column 10: expected a test after 'and'");
    CHECK(error_of("or name = a") == "--where: column 1: expected a field, found 'or'");
    CHECK(error_of("  ").find("the filter is empty") != std::string::npos);
    CHECK(error_of("owner is full") == "--where: column 7: expected 'is empty' or 'is not empty'");
    CHECK(error_of("currency in EUR") == "--where: column 13: expected '(' after 'in'");
    // Columns count characters, not bytes.
    CHECK(error_of("name = 'é' and nme = 1").find("column 16:") != std::string::npos);
    // Nesting is bounded: no stack to exhaust.
    CHECK(error_of(std::string(200, '(') + "name = a" + std::string(200, ')'))
              .find("nested too deeply") != std::string::npos);
}

TEST_CASE("filter: the SQL binds every value and holds none") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    const auto stages = store.stages().all();
    std::vector<std::string> values;
    const std::string sql = filter_sql(
        parse_filter("name = 'x''); DROP TABLE opportunity; --' or stage < quote", today), stages,
        values);
    CHECK(sql.find("DROP") == std::string::npos);
    CHECK(sql.find("x'") == std::string::npos);
    REQUIRE(values.size() == 2);
    CHECK(values[0] == "x'); drop table opportunity; --");
    CHECK(values[1] == "3");  // quote-sent's position
    try {
        filter_sql(parse_filter("owner = a or stage = nosuch", today), stages, values);
        FAIL("accepted");
    } catch (const Error& e) {
        const std::string message = e.what();
        CHECK_MESSAGE(message.starts_with("--where: column 22: invalid stage 'nosuch'"), message);
    }
}

TEST_CASE("filter: each field selects the deals it should") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    {
        Store::Transaction transaction(store);
        auto a = sample_deal(store, "Alpha", 1'500'000);  // 15,000.00 EUR, prospecting
        auto b = sample_deal(store, "Beta", 500'000, "quote-sent");
        Opportunity yen = sample_deal(store, "Yen", 0);
        Opportunity after = yen;
        after.amount = Money{2'000'000, Currency::parse("JPY")};  // 2,000,000 JPY
        after.owner = "Ann";
        after.tags = {"emea", "hot"};
        store.deals().update(yen, after, "2026-11-16T10:00:00", "");
        Opportunity tagged = b;
        tagged.tags = {"q4"};
        store.deals().update(b, tagged, "2026-11-16T10:00:00", "");
        (void)a;
        (void)b;
        transaction.commit();
    }
    const auto names = [&](std::string_view where) {
        OppQuery query;
        query.filter.states = StateFilter::all;
        query.filter.where = parse_filter(where, today);
        std::vector<std::string> found;
        store.deals().for_each(query, [&](const Opportunity& deal) { found.push_back(deal.name); });
        std::sort(found.begin(), found.end());
        return found;
    };
    using V = std::vector<std::string>;
    // Amounts compare in each deal's own currency's major units.
    CHECK(names("amount >= 10k") == V{"Alpha", "Yen"});
    CHECK(names("amount < 10k") == V{"Beta"});
    CHECK(names("amount >= 10k and currency = EUR") == V{"Alpha"});
    CHECK(names("weighted >= 2.5k") == V{"Beta", "Yen"});
    CHECK(names("stage ~ quote") == V{"Beta"});
    CHECK(names("stage = pro") == V{"Alpha", "Yen"});
    CHECK(names("stage > prospecting") == V{"Beta"});
    CHECK(names("owner = ann") == V{"Yen"});
    CHECK(names("owner != ann") == V{"Alpha", "Beta"});
    CHECK(names("not owner = ann") == V{"Alpha", "Beta"});
    CHECK(names("owner is empty") == V{"Alpha", "Beta"});
    CHECK(names("org ~ 'beta in'") == V{"Beta"});
    CHECK(names("name in (alpha, BETA)") == V{"Alpha", "Beta"});
    CHECK(names("close = 2026-12-31 and closed is empty") == V{"Alpha", "Beta", "Yen"});
    CHECK(names("probability in (10, 50) and not stage = quote") == V{"Alpha", "Yen"});
    CHECK(names("category = best-case or type = existing") == V{"Beta"});
    CHECK(names("created >= 2026-11-16 and updated <= today") == V{"Alpha", "Beta", "Yen"});
    CHECK(names("amount is empty") == V{});
    // A deal has several tags: = and in ask for one of them, != and is empty for none.
    CHECK(names("tag = HOT") == V{"Yen"});
    CHECK(names("tag != hot") == V{"Alpha", "Beta"});
    CHECK(names("tag in (q4, emea)") == V{"Beta", "Yen"});
    CHECK(names("tag ~ e") == V{"Yen"});
    CHECK(names("tag is empty") == V{"Alpha"});
    CHECK(names("not tag is empty and not tag = q4") == V{"Yen"});
}

TEST_CASE("tags: one word each, kept case-folded, sorted and once") {
    CHECK(checked_tag("--tag", " Hot ") == "hot");
    CHECK(parse_tags("--tag", "q4, EMEA;hot,q4") == std::vector<std::string>{"emea", "hot", "q4"});
    CHECK(parse_tags("--tag", " ; ").empty());
    for (const char* bad : {"", "+hot", "-hot", "two words", "a\"b", "(x)", "\x1b[31m",
                            "a-tag-that-goes-on-and-on-for-more-than-forty"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(checked_tag("--tag", bad), Error);
    }
    CHECK_THROWS_AS(parse_tags("--tag", "hot,two words"), Error);
}

TEST_CASE("custom fields: values are checked by type and kept in one form") {
    CustomField seats{1, FieldRecord::opp, "seats", "Seats", FieldType::number, {}, 1};
    CHECK(canonical_field_value(seats, "040", today, 2) == "40");
    CHECK(canonical_field_value(seats, "-2.50", today, 2) == "-2.5");
    CHECK(canonical_field_value(seats, "-0", today, 2) == "0");
    for (const char* bad : {"forty", "1e3", "1.", ".5", "1,5", "", "1234567890123456"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(canonical_field_value(seats, bad, today, 2), Error);
    }
    CustomField budget{2, FieldRecord::opp, "budget", "Budget", FieldType::amount, {}, 2};
    CHECK(canonical_field_value(budget, "12.5k", today, 2) == "12500.00");
    CHECK(canonical_field_value(budget, "100", today, 0) == "100");
    CHECK_THROWS_AS(canonical_field_value(budget, "1.005", today, 2), Error);
    CustomField renewal{3, FieldRecord::opp, "renewal", "Renewal", FieldType::date, {}, 3};
    CHECK(canonical_field_value(renewal, "eoq", today, 2) == "2026-12-31");
    CustomField region{
        4, FieldRecord::opp, "region", "Region", FieldType::choice, {"EMEA", "North America"}, 4};
    CHECK(canonical_field_value(region, "north AMERICA", today, 2) == "North America");
    CHECK_THROWS_AS(canonical_field_value(region, "Mars", today, 2), Error);
    CHECK(normalize_field_name("NAME", " Region_2 ") == "region_2");
    for (const char* bad : {"amount", "tags", "2x", "a-b", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(normalize_field_name("NAME", bad), Error);
    }
}
