#include "funnel/reports/converted.hpp"

#include <fmt/format.h>

#include "funnel/domain/text.hpp"

namespace funnel {

std::vector<Column> currency_columns(bool converting) {
    if (!converting) return {{"currency", "Cur"}};
    return {{"currency", "Cur", Audience::machines},
            {"converted", "Converted", Audience::machines},
            {"rate_day", "Rate day", Audience::machines},
            {"shown_currency", "Cur", Audience::people}};
}

void add_currency_cells(Row& cells, const std::string& currency, Style style,
                        const AmountConverter* in, bool converted, std::optional<Date> rate_day) {
    if (!in) {
        cells.push_back(text_cell(currency, style));
        return;
    }
    cells.push_back(text_cell(currency, style));
    cells.push_back({Value{converted}, style});
    cells.push_back(converted ? text_cell(format_date(rate_day.value_or(in->open_day())), style)
                              : null_cell());
    cells.push_back(text_cell(converted ? "in " + currency : currency, style));
}

std::vector<std::string> conversion_notes(const AmountConverter& in) {
    const std::string currency(in.currency().code());
    std::vector<std::string> notes;
    notes.push_back(fmt::format(
        "In {0}: every deal converted into {0} and rounded once to its minor unit, then summed; "
        "open "
        "deals at the rates in force on {1}, won and lost deals at those of the day they closed "
        "(funnel fx).",
        currency, format_date(in.open_day())));
    const auto used = in.open_rates_used();
    if (!used.empty())
        notes.push_back(
            fmt::format("Rates on {}: {}.", format_date(in.open_day()), join(used, "; ")));
    return notes;
}

}  // namespace funnel
