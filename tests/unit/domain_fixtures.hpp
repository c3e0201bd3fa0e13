// What many unit tests build their cases from: days, and the default stages with the ids a new
// data file gives them (1 prospecting ... 5 closed-won, 6 closed-lost).
#pragma once

#include <cstdint>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel::test {

inline Date d(int y, unsigned m, unsigned day) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{day}};
}

inline std::vector<Stage> stages() {
    auto stages = default_stages();
    for (std::size_t i = 0; i < stages.size(); ++i)
        stages[i].id = std::int64_t(i) + 1;
    return stages;
}

}  // namespace funnel::test
