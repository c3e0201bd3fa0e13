// Sales stages: data, not code. Users rename them, change probabilities, add and remove them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace funnel {

enum class StageState { open, won, lost };
enum class ForecastCategory { pipeline, best_case, commit, closed, omitted };

std::string_view to_string(StageState state);
std::string_view to_string(ForecastCategory category);
// Parse the words of the contract; throw Error(invalid) listing the valid words.
StageState parse_stage_state(std::string_view text);
ForecastCategory parse_forecast_category(std::string_view text);

struct Stage {
    std::int64_t id = 0;
    std::string name;
    std::string label;
    int position = 0;
    int probability = 0;
    ForecastCategory category = ForecastCategory::pipeline;
    StageState state = StageState::open;
    int stale_days = 30;

    bool is_open() const { return state == StageState::open; }
    bool is_closed() const { return state != StageState::open; }
};

// The six stages a new data file starts with.
std::vector<Stage> default_stages();

// The stage an argument names: its name in any case, or a unique prefix of one ("quote" for
// "quote-sent"), or else a unique prefix of one of its words ("won" for "closed-won"). Throws
// Error(invalid) for no match or an ambiguous prefix (both are bad input); the messages do not
// repeat the input, which the caller names.
const Stage& resolve_stage(std::span<const Stage> stages, std::string_view input);

// A stage name: letters, digits, '-' and '_', starting with a letter; stored in lower case.
// Throws Error(invalid) otherwise.
std::string normalize_stage_name(std::string_view text);

// Checks that the probability and category agree with the state (won: 100 and closed; lost: 0
// and omitted; open: not closed). Throws Error(invalid) naming the option at fault.
void validate_stage(const Stage& stage);

// The stage of that id among `stages`, or nothing.
const Stage* stage_with_id(const std::vector<Stage>& stages, std::int64_t id);

}  // namespace funnel
