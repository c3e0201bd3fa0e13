#include "funnel/domain/stage.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;

namespace {
std::vector<Stage> defaults() {
    auto stages = default_stages();
    for (std::size_t i = 0; i < stages.size(); ++i)
        stages[i].id = std::int64_t(i) + 1;
    return stages;
}
ErrorKind kind_of(const std::vector<Stage>& stages, const char* input) {
    try {
        resolve_stage(stages, input);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::runtime;
}
}  // namespace

TEST_CASE("the six default stages of the product") {
    const auto stages = default_stages();
    REQUIRE(stages.size() == 6);
    CHECK(stages[0].name == "prospecting");
    CHECK(stages[0].probability == 10);
    CHECK(stages[1].name == "value-proposition");
    CHECK(stages[1].probability == 25);
    CHECK(stages[2].name == "quote-sent");
    CHECK(stages[2].category == ForecastCategory::best_case);
    CHECK(stages[3].name == "renegotiation");
    CHECK(stages[3].category == ForecastCategory::commit);
    CHECK(stages[3].probability == 70);
    CHECK(stages[4].state == StageState::won);
    CHECK(stages[4].category == ForecastCategory::closed);
    CHECK(stages[5].state == StageState::lost);
    CHECK(stages[5].category == ForecastCategory::omitted);
    for (const auto& stage : stages)
        CHECK_NOTHROW(validate_stage(stage));
}

TEST_CASE("stages resolve by name in any case") {
    const auto stages = defaults();
    CHECK(resolve_stage(stages, "quote-sent").name == "quote-sent");
    CHECK(resolve_stage(stages, "QUOTE-SENT").name == "quote-sent");
    CHECK(resolve_stage(stages, " renegotiation ").name == "renegotiation");
}

TEST_CASE("stages resolve by unique prefix") {
    const auto stages = defaults();
    CHECK(resolve_stage(stages, "quote").name == "quote-sent");
    CHECK(resolve_stage(stages, "q").name == "quote-sent");
    CHECK(resolve_stage(stages, "pro").name == "prospecting");
    CHECK(resolve_stage(stages, "closed-w").name == "closed-won");
    CHECK(resolve_stage(stages, "Val").name == "value-proposition");
}

TEST_CASE("a prefix of a later word resolves when the name prefix does not") {
    const auto stages = defaults();
    CHECK(resolve_stage(stages, "won").name == "closed-won");
    CHECK(resolve_stage(stages, "lost").name == "closed-lost");
    CHECK(resolve_stage(stages, "sent").name == "quote-sent");
}

TEST_CASE("an exact name wins over a longer name it prefixes") {
    auto stages = defaults();
    stages.push_back(
        {7, "quote", "Quote", 7, 40, ForecastCategory::pipeline, StageState::open, 30});
    CHECK(resolve_stage(stages, "quote").name == "quote");
    CHECK(resolve_stage(stages, "quote-").name == "quote-sent");
}

TEST_CASE("ambiguous prefixes and unknown stages are invalid input") {
    const auto stages = defaults();
    CHECK(kind_of(stages, "closed") == ErrorKind::invalid);
    CHECK(kind_of(stages, "c") == ErrorKind::invalid);
    CHECK(kind_of(stages, "negotiation") == ErrorKind::invalid);
    CHECK(kind_of(stages, "") == ErrorKind::invalid);
    CHECK(kind_of(stages, "prospectingx") == ErrorKind::invalid);
    CHECK_THROWS_WITH(resolve_stage(stages, "closed"),
                      "ambiguous, could be closed-won or closed-lost; type more of the name");
    CHECK_THROWS_WITH(resolve_stage(stages, "nope"),
                      "no such stage; expected one of prospecting, value-proposition, quote-sent, "
                      "renegotiation, closed-won, closed-lost");
}

TEST_CASE("stage names are normalized and checked") {
    CHECK(normalize_stage_name("Demo") == "demo");
    CHECK(normalize_stage_name(" proof_of-concept2 ") == "proof_of-concept2");
    for (const char* bad : {"", "2nd", "-x", "with space", "é", "a/b", "x.y"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(normalize_stage_name(bad), Error);
    }
    CHECK_THROWS_AS(normalize_stage_name(std::string(41, 'a')), Error);
}

TEST_CASE("state and category words") {
    CHECK(parse_stage_state("WON") == StageState::won);
    CHECK(parse_forecast_category("best-case") == ForecastCategory::best_case);
    CHECK(parse_forecast_category("best_case") == ForecastCategory::best_case);
    CHECK(to_string(ForecastCategory::best_case) == "best-case");
    CHECK_THROWS_WITH(parse_stage_state("closed"), "expected open, won or lost");
    CHECK_THROWS_WITH(parse_forecast_category("maybe"),
                      "expected pipeline, best-case, commit, closed or omitted");
}

TEST_CASE("won and lost stages have fixed probabilities and categories") {
    Stage won{0, "signed", "Signed", 1, 100, ForecastCategory::closed, StageState::won, 30};
    CHECK_NOTHROW(validate_stage(won));
    won.probability = 90;
    CHECK_THROWS_WITH(validate_stage(won),
                      "invalid --probability 90: a won stage always has probability 100");
    won.probability = 100;
    won.category = ForecastCategory::commit;
    CHECK_THROWS_AS(validate_stage(won), Error);
    Stage lost{0, "gone", "Gone", 1, 0, ForecastCategory::omitted, StageState::lost, 30};
    CHECK_NOTHROW(validate_stage(lost));
    lost.probability = 5;
    CHECK_THROWS_AS(validate_stage(lost), Error);
    Stage open{0, "demo", "Demo", 1, 30, ForecastCategory::closed, StageState::open, 30};
    CHECK_THROWS_WITH(validate_stage(open),
                      "invalid --category closed: only won stages are in category closed");
    open.category = ForecastCategory::omitted;
    CHECK_NOTHROW(validate_stage(open));
}
