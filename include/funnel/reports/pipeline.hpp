// The pipeline by stage: how many open deals each stage holds, what they are worth, how long
// they have been there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/stage.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/store/store.hpp"

namespace funnel {

// One section per currency: every open stage in order (empty ones too, so the shape of the
// funnel shows), then a total. Keys: currency, stage, count, amount, weighted, avg_age_days;
// and a bar of the amount for people. With `in`, a last section of the rows' converted figures
// (converted.hpp).
Table pipeline_table(const std::vector<Stage>& stages, const std::vector<StageAggregate>& rows,
                     const std::string& default_currency, const AmountConverter* in = nullptr);

}  // namespace funnel
