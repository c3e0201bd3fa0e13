#include "funnel/store/change_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <sstream>

#include "funnel/store/store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace funnel;
using namespace funnel::testing;
namespace fs = std::filesystem;

namespace {

std::string dump_of(Store& store) {
    std::ostringstream out;
    store.dump().write(out, "2026-11-16T09:00:00");
    return out.str();
}

std::int64_t change_sets(const fs::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM change_set").getInt64();
}

}  // namespace

TEST_CASE("a transaction that writes is one change set; one that writes nothing is none") {
    TempDir dir;
    const fs::path path = dir.path / "funnel.db";
    Store store = Store::open(path, Store::Access::write);
    {
        Store::Transaction transaction(store);  // not recorded: no command given
        sample_deal(store, "ACME", 100);
        transaction.commit();
    }
    CHECK(change_sets(path) == 0);
    store.record_changes_as("funnel opp add Globex", "2026-11-16T10:00:00");
    {
        Store::Transaction transaction(store);
        sample_deal(store, "Globex", 200);
        transaction.commit();
    }
    {
        Store::Transaction transaction(store);
        store.counts();
        transaction.commit();
    }
    {
        Store::Transaction transaction(store);
        sample_deal(store, "Initech", 300);  // rolled back
    }
    REQUIRE(change_sets(path) == 1);
    const auto set = store.changes().last_undoable();
    REQUIRE(set);
    CHECK(set->command == "funnel opp add Globex");
    CHECK(set->made_at == "2026-11-16T10:00:00");
    CHECK(store.changes().conflicts(set->id).empty());
}

TEST_CASE("undo restores every row, the id sequences, and refuses over a later change") {
    TempDir dir;
    const fs::path path = dir.path / "funnel.db";
    Store store = Store::open(path, Store::Access::write);
    store.record_changes_as("funnel test", "2026-11-16T10:00:00");
    std::int64_t acme = 0;
    {
        Store::Transaction transaction(store);
        acme = sample_deal(store, "ACME", 100).id;
        transaction.commit();
    }
    const std::string before = dump_of(store);
    const auto undo_last = [&] {
        Store::Transaction transaction(store);
        const auto set = store.changes().last_undoable();
        REQUIRE(set);
        REQUIRE(store.changes().conflicts(set->id).empty());
        const auto reverted = store.changes().undo(set->id);
        transaction.commit();
        return reverted;
    };
    SUBCASE("an update, and a delete with its history") {
        {
            Store::Transaction transaction(store);
            const auto deal = store.deals().get(acme);
            auto after = deal;
            after.amount = {5000, deal.amount.currency};
            after.updated_at = "2026-11-17T09:00:00";
            store.deals().update(deal, after, "2026-11-17T09:00:00", "");
            transaction.commit();
        }
        CHECK(undo_last().restored == 1);
        CHECK(dump_of(store) == before);
        {
            Store::Transaction transaction(store);
            store.deals().remove(acme, "2026-11-17T09:00:00");
            transaction.commit();
        }
        CHECK(undo_last().put_back == 1);
        CHECK(dump_of(store) == before);
    }
    SUBCASE("an insert: the ids it took are free again") {
        {
            Store::Transaction transaction(store);
            sample_deal(store, "Globex", 200);
            transaction.commit();
        }
        CHECK(undo_last().removed == 2);  // the deal and its organization
        CHECK(dump_of(store) == before);
    }
    SUBCASE("a later change of the same record is a conflict; one of another is not") {
        std::int64_t first = 0;
        {
            Store::Transaction transaction(store);
            const auto deal = store.deals().get(acme);
            auto after = deal;
            after.owner = "ann";
            store.deals().update(deal, after, "2026-11-17T09:00:00", "");
            transaction.commit();
            first = store.changes().recent(1).front().id;
        }
        {
            Store::Transaction transaction(store);
            sample_deal(store, "Globex", 200);
            transaction.commit();
        }
        CHECK(store.changes().conflicts(first).empty());
        {
            Store::Transaction transaction(store);
            const auto deal = store.deals().get(acme);
            auto after = deal;
            after.owner = "bob";
            store.deals().update(deal, after, "2026-11-17T09:00:00", "");
            transaction.commit();
        }
        const auto later = store.changes().conflicts(first);
        REQUIRE(later.size() == 1);
        CHECK(later.front().id == first + 2);
    }
}

TEST_CASE("a change by another program is not recorded, and the oldest change sets are forgotten") {
    TempDir dir;
    const fs::path path = dir.path / "funnel.db";
    {
        Store store = Store::open(path, Store::Access::write);
        store.record_changes_as("funnel test", "2026-11-16T10:00:00");
        Store::Transaction transaction(store);
        sample_deal(store, "ACME", 100);
        transaction.commit();
    }
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE opportunity SET amount = amount + 1");
        CHECK(db.execAndGet("SELECT count(*) FROM change_row").getInt64() == 0);
    }
    Store store = Store::open(path, Store::Access::write);
    store.record_changes_as("funnel test", "2026-11-16T10:00:00");
    for (int i = 0; i < int(kept_change_sets) + 5; ++i) {
        Store::Transaction transaction(store);
        store.set_default_currency(Currency::parse(i % 2 ? "EUR" : "USD"));
        transaction.commit();
    }
    CHECK(change_sets(path) == kept_change_sets);
    const auto newest = store.changes().recent(1);
    REQUIRE(newest.size() == 1);
    CHECK(newest.front().id == kept_change_sets + 6);
    for (const auto& check : store.check())
        CHECK_MESSAGE(check.problems.empty(), check.name);
}
