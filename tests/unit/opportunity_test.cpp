#include "funnel/domain/opportunity.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;
using namespace std::chrono;

namespace {
std::vector<Stage> stages() {
    auto stages = default_stages();
    for (std::size_t i = 0; i < stages.size(); ++i)
        stages[i].id = std::int64_t(i) + 1;
    return stages;
}
const Date today = year{2026} / November / 16;
const Date tuesday = year{2026} / November / 10;

Opportunity deal_in(const Stage& stage, std::optional<int> probability = std::nullopt) {
    Opportunity deal;
    deal.name = "ACME";
    deal.amount = {1'200'000, Currency::parse("EUR")};
    deal.close_date = year{2026} / December / 31;
    enter_first_stage(deal, stage, probability);
    return deal;
}
}  // namespace

TEST_CASE("a new deal takes its stage's default probability unless one is given") {
    const auto s = stages();
    CHECK(deal_in(s[0]).probability == 10);
    CHECK(deal_in(s[2]).probability == 50);
    CHECK(deal_in(s[0], 35).probability == 35);
    CHECK_FALSE(deal_in(s[0]).closed_at);
    CHECK(deal_in(s[0]).category == ForecastCategory::pipeline);
}

TEST_CASE("a deal created won or lost is closed on its close date with a forced probability") {
    const auto s = stages();
    auto won = deal_in(s[4]);
    CHECK(won.probability == 100);
    CHECK(won.closed_at == won.close_date);
    CHECK(won.state == StageState::won);
    CHECK(deal_in(s[5]).probability == 0);
    CHECK_THROWS_AS(deal_in(s[4], 80), Error);
    CHECK_NOTHROW(deal_in(s[4], 100));
}

TEST_CASE("a stage change sets the new stage's default probability") {
    const auto s = stages();
    auto deal = deal_in(s[0], 35);
    move_to_stage(deal, s[2], std::nullopt, today, std::nullopt);
    CHECK(deal.stage_id == s[2].id);
    CHECK(deal.stage == "quote-sent");
    CHECK(deal.probability == 50);
    CHECK(deal.category == ForecastCategory::best_case);
}

TEST_CASE("a probability given with the stage change wins") {
    const auto s = stages();
    auto deal = deal_in(s[0]);
    move_to_stage(deal, s[3], 60, today, std::nullopt);
    CHECK(deal.probability == 60);
}

TEST_CASE("won and lost force 100 and 0 and record the close date") {
    const auto s = stages();
    auto deal = deal_in(s[0], 35);
    move_to_stage(deal, s[4], std::nullopt, tuesday, std::nullopt);
    CHECK(deal.probability == 100);
    CHECK(deal.closed_at == tuesday);
    // The close date is the day it closed, not the one expected (which history keeps).
    CHECK(deal.close_date == tuesday);
    CHECK(deal.state == StageState::won);

    auto lost = deal_in(s[3]);
    move_to_stage(lost, s[5], std::nullopt, today, "price");
    CHECK(lost.probability == 0);
    CHECK(lost.closed_at == today);
    CHECK(lost.lost_reason == "price");
}

TEST_CASE("a deal cannot close before it was created") {
    const auto s = stages();
    auto deal = deal_in(s[0]);
    deal.id = 2;
    deal.created_at = "2026-11-12T09:00:00";
    CHECK_THROWS_WITH_AS(move_to_stage(deal, s[4], std::nullopt, tuesday, std::nullopt),
                         "opportunity 2 cannot close on 2026-11-10: it was created on "
                         "2026-11-12, and a deal closes after it exists",
                         Error);
    CHECK_NOTHROW(
        move_to_stage(deal, s[4], std::nullopt, year{2026} / November / 12, std::nullopt));
}

TEST_CASE("a past deal recorded as closed is taken as created the day it closed") {
    const auto s = stages();
    Opportunity deal;
    deal.name = "Won last month";
    deal.close_date = year{2026} / October / 15;
    deal.created_at = deal.stage_changed_at = "2026-11-16T09:00:00";
    CHECK(enter_first_stage(deal, s[4], std::nullopt));
    CHECK(deal.created_at == "2026-10-15T00:00:00");
    CHECK(deal.closed_at == deal.close_date);
    Opportunity open;
    open.close_date = year{2026} / October / 15;
    open.created_at = "2026-11-16T09:00:00";
    CHECK_FALSE(enter_first_stage(open, s[0], std::nullopt));
    CHECK(open.created_at == "2026-11-16T09:00:00");
}

TEST_CASE("a contradicting probability for a closed stage is refused") {
    const auto s = stages();
    auto deal = deal_in(s[0]);
    CHECK_THROWS_WITH_AS(move_to_stage(deal, s[4], 90, today, std::nullopt),
                         "invalid --probability 90: closed-won is a won stage, so the probability "
                         "is always 100",
                         Error);
    CHECK(deal.stage_id == s[0].id);  // unchanged
    CHECK_NOTHROW(move_to_stage(deal, s[5], 0, today, std::nullopt));
}

TEST_CASE("reopening clears the close date and the lost reason") {
    const auto s = stages();
    auto deal = deal_in(s[0]);
    move_to_stage(deal, s[5], std::nullopt, today, "budget");
    move_to_stage(deal, s[1], std::nullopt, today, std::nullopt);
    CHECK_FALSE(deal.closed_at);
    CHECK(deal.lost_reason.empty());
    CHECK(deal.probability == 25);
    CHECK(deal.state == StageState::open);
}

TEST_CASE("a lost reason is only for a lost stage") {
    const auto s = stages();
    auto deal = deal_in(s[0]);
    CHECK_THROWS_WITH(move_to_stage(deal, s[4], std::nullopt, today, "because"),
                      "invalid --reason: closed-won is not a lost stage");
}

TEST_CASE("probabilities are 0 to 100") {
    CHECK_NOTHROW(validate_probability(0));
    CHECK_NOTHROW(validate_probability(100));
    CHECK_THROWS_AS(validate_probability(101), Error);
    CHECK_THROWS_AS(validate_probability(-1), Error);
    CHECK_THROWS_AS(deal_in(stages()[0], 101), Error);
}

TEST_CASE("deal types") {
    CHECK(parse_deal_type("NEW") == DealType::new_business);
    CHECK(parse_deal_type("existing") == DealType::existing_business);
    CHECK(to_string(DealType::existing_business) == "existing");
    CHECK_THROWS_WITH(parse_deal_type("renewal"), "expected new or existing");
}

TEST_CASE("changes between two versions name each field with stored values") {
    const auto s = stages();
    auto before = deal_in(s[0]);
    before.org_id = 3;
    auto after = before;
    CHECK(changes_between(before, after).empty());
    after.amount.minor = 1'500'050;
    after.org_id.reset();
    after.next_step = "call";
    move_to_stage(after, s[5], std::nullopt, today, "price");
    const auto changes = changes_between(before, after);
    REQUIRE(changes.size() == 8);
    CHECK(changes[0].field == "org");
    CHECK(changes[0].old_value == "3");
    CHECK_FALSE(changes[0].new_value);
    CHECK(changes[1].field == "amount");
    CHECK(changes[1].old_value == "12000.00");
    CHECK(changes[1].new_value == "15000.50");
    CHECK(changes[2].field == "close_date");
    CHECK(changes[2].old_value == "2026-12-31");
    CHECK(changes[2].new_value == "2026-11-16");
    CHECK(changes[3].field == "stage");
    CHECK(changes[3].old_value == "1");
    CHECK(changes[3].new_value == "6");
    CHECK(changes[4].field == "probability");
    CHECK(changes[4].new_value == "0");
    CHECK(changes[5].field == "next_step");
    CHECK_FALSE(changes[5].old_value);
    CHECK(changes[6].field == "closed_at");
    CHECK(changes[6].new_value == "2026-11-16");
    CHECK(changes[7].field == "lost_reason");
    CHECK(changes[7].new_value == "price");
}
