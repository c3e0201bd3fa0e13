// Files of exchange rates (funnel fx import): the European Central Bank's reference rates, or a
// plain date,from,to,rate CSV.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "funnel/store/rate_store.hpp"

namespace funnel {

struct RatesFile {
    // "ECB" for the European Central Bank's CSV (a Date column, then one column per currency:
    // how much of it 1 EUR buys; days as 2026-11-27 or "27 November 2026"; N/A or empty where
    // there is no rate), "date,from,to,rate" for the plain one (columns in any order).
    std::string format;
    std::vector<StoredRate> rates;
    // ECB columns of currencies funnel does not know (those the euro replaced, such as CYP),
    // left out.
    std::vector<std::string> skipped;
};

// Reads a whole rates file; Error(invalid) names the line, the column and what is wrong.
RatesFile read_rates_file(std::FILE* file);

}  // namespace funnel
