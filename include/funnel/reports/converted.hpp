// What every report converted into one currency (--in) shows the same way: which rows are
// converted, the day of their rates, and the rates used.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "funnel/formats/table.hpp"
#include "funnel/store/rate_store.hpp"

namespace funnel {

// The columns that name a row's currency. With a conversion: `currency` and, for machines,
// `converted` (true on the converted section) and `rate_day` (the day of the rates its open
// deals are converted at); people read "in EUR" in the Cur column of the converted section.
std::vector<Column> currency_columns(bool converting);
// The cells of those columns; `rate_day`, when the rates are not the open day's.
void add_currency_cells(Row& cells, const std::string& currency, Style style,
                        const AmountConverter* in, bool converted,
                        std::optional<Date> rate_day = std::nullopt);
// What a converted report says of its rates: how each currency was converted, open deals at the
// rates of the open day, won and lost deals at those of the day they closed.
std::vector<std::string> conversion_notes(const AmountConverter& in);

}  // namespace funnel
