#include "funnel/domain/stage.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

std::string_view to_string(StageState state) {
    switch (state) {
        case StageState::open:
            return "open";
        case StageState::won:
            return "won";
        case StageState::lost:
            return "lost";
    }
    return "open";
}

std::string_view to_string(ForecastCategory category) {
    switch (category) {
        case ForecastCategory::pipeline:
            return "pipeline";
        case ForecastCategory::best_case:
            return "best-case";
        case ForecastCategory::commit:
            return "commit";
        case ForecastCategory::closed:
            return "closed";
        case ForecastCategory::omitted:
            return "omitted";
    }
    return "pipeline";
}

StageState parse_stage_state(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    for (auto state : {StageState::open, StageState::won, StageState::lost})
        if (to_string(state) == word) return state;
    throw invalid_input("expected open, won or lost");
}

ForecastCategory parse_forecast_category(std::string_view text) {
    std::string word = ascii_lower(trim(text));
    if (word == "best_case" || word == "bestcase") word = "best-case";
    for (auto category :
         {ForecastCategory::pipeline, ForecastCategory::best_case, ForecastCategory::commit,
          ForecastCategory::closed, ForecastCategory::omitted})
        if (to_string(category) == word) return category;
    throw invalid_input("expected pipeline, best-case, commit, closed or omitted");
}

std::vector<Stage> default_stages() {
    using C = ForecastCategory;
    using S = StageState;
    return {
        {0, "prospecting", "Prospecting", 1, 10, C::pipeline, S::open, 30},
        {0, "value-proposition", "Value proposition", 2, 25, C::pipeline, S::open, 30},
        {0, "quote-sent", "Quote sent", 3, 50, C::best_case, S::open, 30},
        {0, "renegotiation", "Renegotiation", 4, 70, C::commit, S::open, 30},
        {0, "closed-won", "Closed won", 5, 100, C::closed, S::won, 30},
        {0, "closed-lost", "Closed lost", 6, 0, C::omitted, S::lost, 30},
    };
}

namespace {
std::string stage_names(std::span<const Stage> stages) {
    std::vector<std::string> names;
    for (const auto& stage : stages)
        names.push_back(stage.name);
    return join(names, ", ");
}
}  // namespace

namespace {
// Whether `wanted` starts the name or one of its words ("won" in "closed-won").
bool word_prefix(std::string_view name, std::string_view wanted) {
    for (std::size_t start = 0; start < name.size();) {
        if (istarts_with(name.substr(start), wanted)) return true;
        const auto next = name.find_first_of("-_", start);
        if (next == std::string_view::npos) break;
        start = next + 1;
    }
    return false;
}
}  // namespace

const Stage& resolve_stage(std::span<const Stage> stages, std::string_view input) {
    const std::string_view wanted = trim(input);
    for (const auto& stage : stages)
        if (iequals(stage.name, wanted)) return stage;
    // A prefix of the name wins over a prefix of one of its later words.
    for (auto matches : {istarts_with, word_prefix}) {
        const Stage* match = nullptr;
        std::vector<std::string> candidates;
        for (const auto& stage : stages) {
            if (!wanted.empty() && matches(stage.name, wanted)) {
                match = &stage;
                candidates.push_back(stage.name);
            }
        }
        if (candidates.size() == 1) return *match;
        if (candidates.size() > 1)
            throw invalid_input(fmt::format("ambiguous, could be {}; type more of the name",
                                            join_with_or(candidates)));
    }
    throw invalid_input(fmt::format("no such stage; expected one of {}", stage_names(stages)));
}

std::string normalize_stage_name(std::string_view text) {
    const std::string name = ascii_lower(trim(text));
    const auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    bool ok = !name.empty() && name.size() <= 40 && letter(name.front());
    for (char c : name)
        ok = ok && (letter(c) || digit(c) || c == '-' || c == '_');
    if (!ok)
        throw invalid_input(
            "a stage name starts with a letter and has only letters, digits, '-' and '_' "
            "(at most 40)");
    return name;
}

void validate_stage(const Stage& stage) {
    if (stage.probability < 0 || stage.probability > 100)
        throw invalid_input(
            fmt::format("invalid --probability {}: expected 0 to 100", stage.probability));
    switch (stage.state) {
        case StageState::won:
            if (stage.probability != 100)
                throw invalid_input(
                    fmt::format("invalid --probability {}: a won stage always has probability 100",
                                stage.probability));
            if (stage.category != ForecastCategory::closed)
                throw invalid_input(
                    fmt::format("invalid --category {}: a won stage is always in category closed",
                                to_string(stage.category)));
            break;
        case StageState::lost:
            if (stage.probability != 0)
                throw invalid_input(
                    fmt::format("invalid --probability {}: a lost stage always has probability 0",
                                stage.probability));
            if (stage.category != ForecastCategory::omitted)
                throw invalid_input(
                    fmt::format("invalid --category {}: a lost stage is always in category omitted",
                                to_string(stage.category)));
            break;
        case StageState::open:
            if (stage.category == ForecastCategory::closed)
                throw invalid_input(
                    "invalid --category closed: only won stages are in category closed");
            break;
    }
}

const Stage* stage_with_id(const std::vector<Stage>& stages, std::int64_t id) {
    for (const auto& stage : stages)
        if (stage.id == id) return &stage;
    return nullptr;
}

}  // namespace funnel
