#include "funnel/domain/history.hpp"

#include <doctest/doctest.h>

#include "domain_fixtures.hpp"

using namespace funnel;
using namespace funnel::test;
using namespace std::chrono;

namespace {
// A deal won on 2026-11-12, after a push of its close date and an amount change in USD.
Opportunity current() {
    Opportunity deal;
    deal.id = 7;
    deal.name = "ACME";
    deal.org_id = 2;
    deal.org = "ACME Inc";
    deal.amount = {1'500'000, Currency::parse("USD")};
    deal.close_date = d(2026, 12, 31);
    deal.stage_id = 5;
    deal.stage = "closed-won";
    deal.state = StageState::won;
    deal.probability = 100;
    deal.created_at = "2026-09-01T00:00:00";
    deal.stage_changed_at = "2026-11-12T00:00:00";
    deal.closed_at = d(2026, 11, 12);
    return deal;
}

const std::vector<DealChange> changes = {
    {1, "2026-09-01T00:00:00", "2026-09-01T00:00:00", "created", std::nullopt, "ACME"},
    {2, "2026-10-01T09:00:00", "2026-10-01T09:00:00", "stage", "1", "3"},
    {3, "2026-10-01T09:00:00", "2026-10-01T09:00:00", "probability", "10", "50"},
    {4, "2026-10-20T00:00:00", "2026-10-20T00:00:00", "close_date", "2026-11-30", "2026-12-31"},
    {5, "2026-11-02T00:00:00", "2026-11-02T00:00:00", "currency", "EUR", "USD"},
    {6, "2026-11-02T00:00:00", "2026-11-02T00:00:00", "amount", "12000.50", "15000.00"},
    {7, "2026-11-12T00:00:00", "2026-11-12T00:00:00", "stage", "3", "5"},
    {8, "2026-11-12T00:00:00", "2026-11-12T00:00:00", "probability", "50", "100"},
    {9, "2026-11-12T00:00:00", "2026-11-12T00:00:00", "closed_at", std::nullopt, "2026-11-12"},
    {10, "2026-11-13T00:00:00", "2026-11-13T00:00:00", "org", "1", "2"},
};
}  // namespace

TEST_CASE("a deal as of now is the deal") {
    const auto deal = deal_as_of(current(), changes, end_of_day(d(2026, 11, 16)), stages());
    REQUIRE(deal);
    CHECK(deal->state == StageState::won);
    CHECK(deal->amount.minor == 1'500'000);
    CHECK(deal->stage_changed_at == "2026-11-12T00:00:00");
}

TEST_CASE("undoing changes rebuilds each field of the time") {
    const auto deal = deal_as_of(current(), changes, end_of_day(d(2026, 11, 1)), stages());
    REQUIRE(deal);
    CHECK(deal->stage_id == 3);
    CHECK(deal->stage == "quote-sent");
    CHECK(deal->state == StageState::open);
    CHECK(deal->category == ForecastCategory::best_case);
    CHECK(deal->probability == 50);
    CHECK_FALSE(deal->closed_at);
    CHECK(deal->close_date == d(2026, 12, 31));
    // The amount of the time, in the currency of the time.
    CHECK(deal->amount.currency.code() == "EUR");
    CHECK(deal->amount.minor == 1'200'050);
    CHECK(deal->org_id == 1);
    CHECK(deal->org.empty());  // another organization: its name is looked up by the caller
    CHECK(deal->stage_changed_at == "2026-10-01T09:00:00");
}

TEST_CASE("a change made on a day counts by the end of it") {
    const auto deal = deal_as_of(current(), changes, end_of_day(d(2026, 10, 20)), stages());
    CHECK(deal->close_date == d(2026, 12, 31));
    const auto before = deal_as_of(current(), changes, end_of_day(d(2026, 10, 19)), stages());
    CHECK(before->close_date == d(2026, 11, 30));
    CHECK(before->stage_changed_at == "2026-10-01T09:00:00");
}

TEST_CASE("a deal created later did not exist") {
    CHECK_FALSE(deal_as_of(current(), changes, end_of_day(d(2026, 8, 31)), stages()));
    const auto first_day = deal_as_of(current(), changes, end_of_day(d(2026, 9, 1)), stages());
    REQUIRE(first_day);
    CHECK(first_day->stage == "prospecting");
    CHECK(first_day->probability == 10);
    CHECK(first_day->stage_changed_at == "2026-09-01T00:00:00");
}

TEST_CASE("a change recorded later but dated earlier counts from when it was recorded") {
    auto backdated = changes;
    backdated.push_back(
        {11, "2026-10-05T00:00:00", "2026-11-14T10:00:00", "next_step", std::nullopt, "call"});
    auto now = current();
    now.next_step = "call";
    // The file learned of it on 2026-11-14: a view of 2026-10-06 is what was known then.
    CHECK(deal_as_of(now, backdated, end_of_day(d(2026, 10, 6)), stages())->next_step.empty());
    CHECK(deal_as_of(now, backdated, end_of_day(d(2026, 11, 13)), stages())->next_step.empty());
    CHECK(deal_as_of(now, backdated, end_of_day(d(2026, 11, 14)), stages())->next_step == "call");
}

TEST_CASE("a close back-dated before an earlier stage move gives a sound state on every day") {
    // opp add on 05-01; opp stage quote-sent on 06-05; opp stage lost --on 05-25, run on 06-07.
    const std::vector<DealChange> history = {
        {1, "2026-05-01T09:00:00", "2026-05-01T09:00:00", "created", std::nullopt, "ACME"},
        {2, "2026-06-05T09:00:00", "2026-06-05T09:00:00", "stage", "1", "3"},
        {3, "2026-06-05T09:00:00", "2026-06-05T09:00:00", "probability", "10", "50"},
        {4, "2026-05-25T00:00:00", "2026-06-07T09:00:00", "stage", "3", "6"},
        {5, "2026-05-25T00:00:00", "2026-06-07T09:00:00", "probability", "50", "0"},
        {6, "2026-05-25T00:00:00", "2026-06-07T09:00:00", "closed_at", std::nullopt, "2026-05-25"},
    };
    Opportunity lost = current();
    lost.stage_id = 6;
    lost.probability = 0;
    lost.created_at = "2026-05-01T09:00:00";
    lost.stage_changed_at = "2026-05-25T00:00:00";
    lost.closed_at = d(2026, 5, 25);
    lost.org_id = 1;
    lost.amount = {1'500'000, Currency::parse("EUR")};
    for (int day = 1; day <= 10; ++day) {
        const auto deal = deal_as_of(lost, history, end_of_day(d(2026, 6, day)), stages());
        REQUIRE(deal);
        CAPTURE(day);
        // Never open with a close day, never closed without one.
        CHECK((deal->state == StageState::open) == !deal->closed_at.has_value());
        if (day < 5)
            CHECK(deal->stage == "prospecting");
        else if (day < 7)
            CHECK(deal->stage == "quote-sent");
        else
            CHECK(deal->stage == "closed-lost");
    }
}

TEST_CASE("an amount given later to a deal that had none is undone to no amount") {
    auto sized = changes;
    sized.push_back(
        {11, "2026-11-14T00:00:00", "2026-11-14T00:00:00", "amount", std::nullopt, "15000.00"});
    const auto before = deal_as_of(current(), sized, end_of_day(d(2026, 11, 13)), stages());
    REQUIRE(before);
    CHECK(before->no_amount);
    CHECK(before->amount.minor == 0);
    const auto after = deal_as_of(current(), sized, end_of_day(d(2026, 11, 14)), stages());
    CHECK_FALSE(after->no_amount);
    CHECK(after->amount.minor == 1'500'000);
    // And no amount is no value in the history, either way.
    Opportunity none = current();
    none.no_amount = true;
    none.amount.minor = 0;
    const auto recorded = changes_between(none, current());
    REQUIRE(recorded.size() == 1);
    CHECK(recorded[0].field == "amount");
    CHECK_FALSE(recorded[0].old_value);
    CHECK(recorded[0].new_value == "15000.00");
}
