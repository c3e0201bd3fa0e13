// The checks of db check, which a restore runs too.
#pragma once

#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "funnel/store/store.hpp"

namespace funnel {

// A restore, which has checked each row as it inserted it, runs only the rules that span rows
// and tables.
enum class CheckDepth { whole, across_rows };

std::vector<Store::Check> checks_of(SQLite::Database& db, CheckDepth depth);

}  // namespace funnel
