#include "funnel/domain/history_rebuild.hpp"

#include <algorithm>
#include <tuple>

#include <doctest/doctest.h>

#include "domain_fixtures.hpp"

#include "funnel/error.hpp"
#include "funnel/system/timezone.hpp"

using namespace funnel;
using namespace funnel::test;
using namespace std::chrono;

namespace {

// A deal imported as won on 2026-03-10 (opened in prospecting on 2026-02-01): what import
// opportunities records.
Opportunity won_deal() {
    Opportunity deal;
    deal.id = 1;
    deal.name = "Kiosk";
    deal.amount = {500'000, Currency::parse("EUR")};
    deal.close_date = d(2026, 3, 10);
    deal.stage_id = 5;
    deal.stage = "closed-won";
    deal.state = StageState::won;
    deal.probability = 100;
    deal.created_at = "2026-02-01T00:00:00";
    deal.updated_at = "2026-03-10T00:00:00";
    deal.closed_at = d(2026, 3, 10);
    return deal;
}

std::vector<DealChange> imported_changes() {
    return {
        {1, "2026-02-01T00:00:00", "2026-02-01T00:00:00", "created", std::nullopt, "Kiosk"},
        {2, "2026-03-10T00:00:00", "2026-03-10T00:00:00", "stage", "1", "5"},
        {3, "2026-03-10T00:00:00", "2026-03-10T00:00:00", "probability", "10", "100"},
        {4, "2026-03-10T00:00:00", "2026-03-10T00:00:00", "closed_at", std::nullopt, "2026-03-10"},
    };
}

Snapshot snapshot(const char* at, std::int64_t stage, std::int64_t amount, Date close) {
    Snapshot s;
    s.at = at;
    s.stage_id = stage;
    s.amount_minor = amount;
    s.close_date = close;
    return s;
}

const SnapshotFields stage_amount_close{true, true, true, false, false};

// The history after the rebuild, in the order it was recorded, as the store keeps it.
std::vector<DealChange> applied(const std::vector<DealChange>& changes,
                                const HistoryRebuild& rebuild) {
    std::vector<DealChange> out;
    for (const auto& change : changes)
        if (std::find(rebuild.removed.begin(), rebuild.removed.end(), change.id) ==
            rebuild.removed.end())
            out.push_back(change);
    std::int64_t id = 100;
    for (const auto& [when, change] : rebuild.added)
        out.push_back({id++, when, when, change.field, change.old_value, change.new_value});
    for (auto& change : out)
        if (change.field == "created") change.changed_at = change.recorded_at = rebuild.created_at;
    std::sort(out.begin(), out.end(), [](const DealChange& a, const DealChange& b) {
        return std::tie(a.recorded_at, a.id) < std::tie(b.recorded_at, b.id);
    });
    return out;
}

}  // namespace

TEST_CASE("snapshots become the history: each moment shows its snapshot") {
    const std::vector<Snapshot> snapshots = {
        snapshot("2026-01-20T09:00:00", 1, 400'000, d(2026, 4, 30)),
        snapshot("2026-02-15T10:30:00", 3, 450'000, d(2026, 3, 31)),
        snapshot("2026-03-10T16:00:00", 5, 500'000, d(2026, 3, 10)),
    };
    const Opportunity now = won_deal();
    const auto rebuild =
        rebuild_history(now, imported_changes(), snapshots, stage_amount_close, stages());
    CHECK_FALSE(rebuild.unchanged);
    CHECK(rebuild.created_at == "2026-01-20T09:00:00");  // moved back to the first snapshot
    CHECK(rebuild.stage_changed_at == "2026-03-10T16:00:00");
    // The import's own close (stage, probability, closed_at) is replaced; its creation stays.
    CHECK(rebuild.removed == std::vector<std::int64_t>{2, 3, 4});

    Opportunity moved = now;
    moved.created_at = rebuild.created_at;
    const auto history = applied(imported_changes(), rebuild);
    const auto then = [&](const char* moment) {
        return deal_as_of(moved, history, moment, stages());
    };
    CHECK_FALSE(then("2026-01-20T08:59:59"));
    auto first = then("2026-01-20T09:00:00");
    REQUIRE(first);
    CHECK(first->stage == "prospecting");
    CHECK(first->probability == 10);
    CHECK(first->amount.minor == 400'000);
    CHECK(first->close_date == d(2026, 4, 30));
    CHECK_FALSE(first->closed_at);
    auto second = then("2026-03-10T15:59:59");
    CHECK(second->stage == "quote-sent");
    CHECK(second->probability == 50);
    CHECK(second->amount.minor == 450'000);
    CHECK(second->close_date == d(2026, 3, 31));
    auto last = then("2026-03-10T16:00:00");
    CHECK(last->state == StageState::won);
    CHECK(last->closed_at == d(2026, 3, 10));
    CHECK(last->amount.minor == 500'000);

    SUBCASE("the same snapshots again change nothing") {
        const auto again = rebuild_history(moved, history, snapshots, stage_amount_close, stages());
        CHECK(again.unchanged);
    }
}

TEST_CASE("a last snapshot unlike the deal now is joined to it") {
    // The history file ends in quote-sent; the deal was won since, on a day the file knows.
    const std::vector<Snapshot> snapshots = {
        snapshot("2026-02-01T09:00:00", 1, 500'000, d(2026, 3, 31)),
        snapshot("2026-02-20T09:00:00", 3, 500'000, d(2026, 3, 31)),
    };
    const Opportunity now = won_deal();
    const auto rebuild =
        rebuild_history(now, imported_changes(), snapshots, stage_amount_close, stages());
    const auto history = applied(imported_changes(), rebuild);
    const auto then = [&](const char* moment) {
        return deal_as_of(now, history, moment, stages());
    };
    CHECK(then("2026-03-09T23:59:59")->stage == "quote-sent");
    CHECK(then("2026-03-09T23:59:59")->close_date == d(2026, 3, 31));
    // Joined at the close the file recorded.
    CHECK(then("2026-03-10T00:00:00")->state == StageState::won);
    CHECK(then("2026-03-10T00:00:00")->close_date == d(2026, 3, 10));
}

TEST_CASE("later changes the file made stay, and the join comes before them") {
    Opportunity now = won_deal();
    now.stage_id = 3;
    now.stage = "quote-sent";
    now.state = StageState::open;
    now.probability = 50;
    now.closed_at.reset();
    now.close_date = d(2026, 6, 30);
    now.updated_at = "2026-05-01T00:00:00";
    // Made with funnel after the CRM's last record: prospecting -> quote-sent on 2026-05-01.
    const std::vector<DealChange> changes = {
        {1, "2026-02-01T00:00:00", "2026-02-01T00:00:00", "created", std::nullopt, "Kiosk"},
        {2, "2026-05-01T00:00:00", "2026-05-01T00:00:00", "stage", "1", "3"},
        {3, "2026-05-01T00:00:00", "2026-05-01T00:00:00", "probability", "10", "50"},
    };
    SnapshotFields stage_only;
    stage_only.stage = true;
    Snapshot renegotiating;
    renegotiating.at = "2026-03-01T12:00:00";
    renegotiating.stage_id = 4;
    const auto rebuild = rebuild_history(now, changes, {renegotiating}, stage_only, stages());
    CHECK(rebuild.removed.empty());
    const auto history = applied(changes, rebuild);
    const auto then = [&](const char* moment) {
        return deal_as_of(now, history, moment, stages());
    };
    CHECK(then("2026-03-01T11:00:00")->stage == "renegotiation");
    CHECK(then("2026-03-01T12:00:00")->stage == "prospecting");  // what the later change undoes
    CHECK(then("2026-05-01T00:00:00")->stage == "quote-sent");
    CHECK(then("2026-05-01T00:00:00")->probability == 50);
}

TEST_CASE("a zone's local time of a UTC moment, summer time included") {
    ZoneClock paris("Europe/Paris");
    CHECK(paris.from_utc("2026-01-15T12:00:00") == "2026-01-15T13:00:00");
    CHECK(paris.from_utc("2026-07-15T23:30:00") == "2026-07-16T01:30:00");
    CHECK(paris.from_utc("2026-03-29T00:59:59") == "2026-03-29T01:59:59");
    CHECK(paris.from_utc("2026-03-29T01:00:00") == "2026-03-29T03:00:00");
    ZoneClock mexico("America/Mexico_City");
    CHECK(mexico.from_utc("2026-09-02T02:00:00") == "2026-09-01T20:00:00");
}

TEST_CASE("a zone that is not in the database is refused") {
    for (const char* name :
         {"Europe/Pariss", "../../etc/passwd", "/etc/localtime", "", "Europe", "Europe/Paris\n"})
        CHECK_THROWS_AS(ZoneClock::check(name), Error);
    CHECK_NOTHROW(ZoneClock::check("UTC"));
}
