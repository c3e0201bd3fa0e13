// A --where filter compiled to SQL for the deal queries (see funnel/domain/filter.hpp).
#pragma once

#include <string>
#include <vector>

#include "funnel/domain/filter.hpp"
#include "funnel/domain/stage.hpp"

namespace funnel {

// The condition, over `opportunity o` (it needs no other table of the query), with its values
// appended to `values` in the order of its parameters. Stages are resolved
// against `stages`; one that is not there is Error(invalid) at its column.
std::string filter_sql(const Filter& filter, const std::vector<Stage>& stages,
                       std::vector<std::string>& values);

}  // namespace funnel
