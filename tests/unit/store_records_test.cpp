// The stores of each concern: deals and their history, stages, parties, totals.
#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "funnel/error.hpp"
#include "funnel/store/store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace funnel::testing;
namespace fs = std::filesystem;

TEST_CASE("a transaction that is not committed leaves nothing") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    Store store = Store::open(file, Store::Access::write);
    {
        Store::Transaction transaction(store);
        sample_deal(store, "Gone", 1);
    }
    CHECK(store.counts().opportunities == 0);
    CHECK(store.counts().organizations == 0);
}

TEST_CASE("updates record each changed field with the note on the stage change") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    Store::Transaction transaction(store);
    const Opportunity before = sample_deal(store, "ACME", 1'200'000);
    Opportunity after = before;
    const auto stages = store.stages().all();
    move_to_stage(after, resolve_stage(stages, "quote"), std::nullopt, today, std::nullopt);
    after.amount.minor = 1'500'000;
    CHECK(store.deals().update(before, after, "2026-11-17T10:00:00", "sent v2"));
    CHECK_FALSE(store.deals().update(after, after, "2026-11-18T10:00:00", ""));
    const auto history = store.history().of(before.id);
    REQUIRE(history.size() == 4);
    CHECK(history[0].field == "created");
    CHECK(history[0].changed_at == "2026-11-16T09:00:00");
    CHECK(history[1].field == "amount");
    CHECK(history[1].old_value == "12000.00");
    CHECK(history[1].new_value == "15000.00");
    CHECK(history[2].field == "stage");
    CHECK(history[2].old_value == "prospecting");
    CHECK(history[2].new_value == "quote-sent");
    CHECK(history[2].note == "sent v2");
    CHECK(history[3].field == "probability");
    const Opportunity stored = store.deals().get(before.id);
    CHECK(stored.updated_at == "2026-11-17T10:00:00");
    CHECK(stored.stage_changed_at == "2026-11-17T10:00:00");
    CHECK(stored.probability == 50);
    transaction.commit();
}

TEST_CASE("deleting a deal deletes its history and quotes but keeps its activities") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    const Opportunity deal = sample_deal(store, "ACME", 1);
    Quote quote;
    quote.opp_id = deal.id;
    quote.number = "Q-1";
    quote.currency = "EUR";
    quote.created_at = quote.updated_at = "2026-11-16T09:00:00";
    store.related().insert_quote(quote);
    Activity call;
    call.opp_id = deal.id;
    call.org_id = deal.org_id;
    call.subject = "Call Ann";
    call.due_date = year{2026} / November / 20;
    call.created_at = call.updated_at = "2026-11-16T09:00:00";
    call.id = store.related().insert_activity(call);
    const DealDependents dependents = store.deals().dependents(deal.id);
    CHECK(dependents.history == 1);
    CHECK(dependents.quotes == 1);
    CHECK(dependents.activities == 1);
    CHECK(dependents.lines == 0);
    store.deals().remove(deal.id, "2026-11-17T09:00:00");
    CHECK_FALSE(store.deals().find(deal.id));
    CHECK(store.counts().history == 0);
    CHECK(store.related().quotes(deal.id).empty());
    CHECK_THROWS_AS(store.deals().get(deal.id), Error);
    const Activity kept = store.related().activity(call.id);
    CHECK_FALSE(kept.opp_id);
    CHECK(kept.org_id == deal.org_id);
    CHECK(kept.updated_at == "2026-11-17T09:00:00");
}

TEST_CASE("lists filter sort and limit in the database") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    sample_deal(store, "Small", 100);
    sample_deal(store, "Big 100%", 10'000, "renegotiation");
    sample_deal(store, "Won", 5'000, "closed-won");
    const auto names = [&](const OppQuery& query) {
        std::vector<std::string> found;
        store.deals().for_each(query, [&](const Opportunity& deal) { found.push_back(deal.name); });
        return found;
    };
    OppQuery query;
    query.sort = {{OppSort::amount}};
    CHECK(names(query) == std::vector<std::string>{"Small", "Big 100%"});
    query.sort = {{OppSort::amount, true}};
    CHECK(names(query) == std::vector<std::string>{"Big 100%", "Small"});
    query.filter.states = StateFilter::all;
    query.limit = 2;
    CHECK(names(query) == std::vector<std::string>{"Big 100%", "Won"});
    query.limit.reset();
    query.filter.states = StateFilter::won;
    CHECK(names(query) == std::vector<std::string>{"Won"});
    query.filter.states = StateFilter::all;
    query.filter.search = "100%";  // LIKE wildcards in the search are literal
    CHECK(names(query) == std::vector<std::string>{"Big 100%"});
    query.filter.search = "inc";  // matches the organization's name
    CHECK(names(query).size() == 3);
    OppFilter open;
    const auto totals = store.deals().totals(open);
    REQUIRE(totals.size() == 1);
    CHECK(totals[0].open == 2);
    CHECK(totals[0].pipeline_minor == 10'100);
    CHECK(totals[0].weighted_minor == 7'010);  // 100 × 10% + 10,000 × 70%
}

TEST_CASE("a stage that held a deal counts as used forever") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    const auto stages = store.stages().all();
    const Opportunity before = sample_deal(store, "ACME", 1);
    CHECK(store.stages().ever_used(stages[0].id));
    CHECK_FALSE(store.stages().ever_used(stages[1].id));
    Opportunity after = before;
    move_to_stage(after, stages[2], std::nullopt, today, std::nullopt);
    store.deals().update(before, after, "2026-11-17T00:00:00", "");
    CHECK(store.stages().ever_used(stages[0].id));  // through the history
    CHECK(store.stages().ever_used(stages[2].id));
}

TEST_CASE("contacts may share a name and then need an id") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    Contact ann;
    ann.name = "Ann Lee";
    ann.created_at = ann.updated_at = "2026-11-16T00:00:00";
    const auto first = store.parties().insert_contact(ann);
    CHECK(store.parties().contact("ann lee").id == first);
    CHECK(store.parties().contact(std::to_string(first)).name == "Ann Lee");
    store.parties().insert_contact(ann);
    try {
        store.parties().contact("Ann Lee");
        FAIL("resolved");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
    }
    try {
        store.parties().contact("Nobody");
        FAIL("resolved");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
}

TEST_CASE("two products whose names fold alike make the name ambiguous, as organizations") {
    TempDir dir;
    const fs::path file = dir.path / "funnel.db";
    {
        Store store = Store::open(file, Store::Access::write);
        for (const char* name : {"Seat", "Support"}) {
            Product product;
            product.name = name;
            product.price = {100, Currency::parse("EUR")};
            product.created_at = product.updated_at = "2026-11-16T09:00:00";
            store.related().insert_product(product);
        }
    }
    {
        // What another program could have written: two keys alike.
        SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE product SET name_key = 'seat'");
    }
    Store store = Store::open(file, Store::Access::write);
    try {
        store.related().find_product("seat");
        FAIL("an ambiguous name was taken");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
        CHECK(std::string(e.what()) ==
              "products 1 and 2 both match 'seat': use an id (db check lists such names)");
    }
    CHECK(store.related().find_product("2")->name == "Support");
    CHECK_FALSE(store.related().find_product("Nothing"));
}

TEST_CASE("totals of weighted amounts are sums of each deal rounded once") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    Store::Transaction transaction(store);
    std::int64_t expected = 0;
    // Four deals of 9,999.99 at 50 %: 5,000.00 each (4,999.995 rounded), 20,000.00 in all.
    for (int i = 0; i < 4; ++i) {
        Opportunity deal = sample_deal(store, "Quote " + std::to_string(i), 999'999, "quote-sent");
        expected += deal.weighted_minor();
    }
    // And amounts and probabilities whose products end in every pair of digits.
    for (int i = 1; i <= 60; ++i) {
        Opportunity deal =
            sample_deal(store, "Deal " + std::to_string(i), 1'000 + i * 37, "prospecting");
        Opportunity changed = deal;
        changed.probability = (i * 7) % 101;
        store.deals().update(deal, changed, "2026-11-16T10:00:00", "");
        expected += store.deals().get(deal.id).weighted_minor();
    }
    transaction.commit();
    OppFilter open;
    const auto totals = store.deals().totals(open);
    REQUIRE(totals.size() == 1);
    CHECK(totals[0].weighted_minor == expected);
    std::int64_t listed = 0;
    store.deals().for_each({}, [&](const Opportunity& deal) { listed += deal.weighted_minor(); });
    CHECK(listed == expected);
    std::int64_t aggregated = 0;
    store.reports().aggregate_open_deals(
        {year{2000} / 1 / 1, year{2100} / 1 / 1, today, true}, DealField::none, {},
        [&](const OpenAggregate& row) { aggregated += row.weighted; });
    CHECK(aggregated == expected);
}

TEST_CASE("deals sort by several keys, amounts within their currency") {
    TempDir dir;
    Store store = Store::open(dir.path / "funnel.db", Store::Access::write);
    sample_deal(store, "B small", 100, "quote-sent");
    sample_deal(store, "A big", 10'000, "quote-sent");
    sample_deal(store, "C first", 500);
    const auto names = [&](std::string_view keys) {
        OppQuery query;
        query.sort = parse_sort_keys(keys);
        std::vector<std::string> found;
        store.deals().for_each(query, [&](const Opportunity& deal) { found.push_back(deal.name); });
        return found;
    };
    CHECK(names("stage,-amount") == std::vector<std::string>{"C first", "A big", "B small"});
    CHECK(names("-stage, name") == std::vector<std::string>{"A big", "B small", "C first"});
    CHECK(names("amount") == std::vector<std::string>{"B small", "C first", "A big"});
    CHECK_THROWS_AS(names("stage,amout"), Error);
    CHECK_THROWS_AS(names("stage,"), Error);
}
