// Tables for people that fit the terminal: text cut with "…", columns left out at the right.
#pragma once

#include <string>
#include <vector>

#include "funnel/formats/table.hpp"

namespace funnel {

struct FitTable {
    const std::vector<Column>& columns;
    const std::vector<std::size_t>& shown;  // the columns drawn, as indexes into columns
    const std::vector<Row>& rows;
    std::size_t width;  // of the terminal
    bool unicode;
};

// Leaves out a last column of bars, which only illustrates the figures beside it; then narrows
// the columns to the width: the name column first, down to 16 characters, then the
// widest other text column, one character at a time, each down to its header or 8. Only text
// columns whose cells differ in width narrow: numbers, dates, codes and bars do not. Cells are
// then cut to their column with "…" ("~" without Unicode). When that is not enough, whole
// columns are left out from the right, down to two. `texts` are the cells as shown, `widths`
// the columns' widths and `right` whether they are numbers. Returns how many columns to draw.
std::size_t fit_to_width(const FitTable& table, std::vector<std::vector<std::string>>& texts,
                         std::vector<std::size_t>& widths, const std::vector<bool>& right);

}  // namespace funnel
