#include "funnel/reports/pipeline.hpp"

#include <algorithm>
#include <set>

#include "funnel/domain/money.hpp"
#include "funnel/reports/converted.hpp"

namespace funnel {

Table pipeline_table(const std::vector<Stage>& stages, const std::vector<StageAggregate>& rows,
                     const std::string& default_currency, const AmountConverter* in) {
    Table table{currency_columns(in), {}};
    table.columns.insert(table.columns.end(), {
                                                  {"stage", "Stage"},
                                                  {"count", "Deals"},
                                                  {"amount", "Amount"},
                                                  {"weighted", "Weighted"},
                                                  {"avg_age_days", "Avg days in stage"},
                                                  {"bar", "Amount, as bars", Audience::people},
                                              });
    // One section per currency, then the converted one: its rows are every currency's, with
    // their converted figures.
    std::vector<std::pair<std::string, bool>> sections;
    std::set<std::string> currencies;
    for (const auto& row : rows)
        currencies.insert(row.currency);
    if (currencies.empty()) currencies.insert(default_currency);
    for (const auto& currency : currencies)
        sections.emplace_back(currency, false);
    if (in) sections.emplace_back(std::string(in->currency().code()), true);
    for (const auto& section : sections) {
        const std::string& currency = section.first;
        const bool converted = section.second;
        const int digits = digits_of(currency);
        const auto counted = [&](const StageAggregate& row) {
            if (!converted) return row.currency == currency ? row : StageAggregate{};
            StageAggregate in_currency = row;
            in_currency.amount = row.converted.amount;
            in_currency.weighted = row.converted.weighted;
            return in_currency;
        };
        std::int64_t scale = 0;
        for (const auto& row : rows)
            scale = std::max(scale, counted(row).amount);
        StageAggregate total{currency, 0, 0, 0, 0, 0, {}};
        const auto add_row = [&](const std::string& name, const StageAggregate& a, Style style,
                                 bool bar) {
            // Average days with one decimal, rounded half up.
            const Cell age =
                a.count ? decimal_cell((a.age_days * 20 + a.count) / (2 * a.count), 1, style)
                        : null_cell();
            Row cells;
            add_currency_cells(cells, currency, style, in, converted);
            cells.insert(cells.end(), {text_cell(name, style), integer_cell(a.count, style),
                                       decimal_cell(a.amount, digits, style),
                                       decimal_cell(a.weighted, digits, style), age,
                                       bar ? bar_cell(a.amount, scale) : null_cell()});
            table.rows.push_back(std::move(cells));
        };
        for (const auto& stage : stages) {
            if (!stage.is_open()) continue;
            StageAggregate in_stage{currency, stage.id, 0, 0, 0, 0, {}};
            for (const auto& aggregate : rows) {
                if (aggregate.stage_id != stage.id) continue;
                const StageAggregate row = counted(aggregate);
                add_to(in_stage.count, row.count);
                add_to(in_stage.amount, row.amount, "the amount of a stage");
                add_to(in_stage.weighted, row.weighted, "the weighted amount of a stage");
                in_stage.age_days += row.age_days;
            }
            add_to(total.count, in_stage.count);
            add_to(total.amount, in_stage.amount, "the pipeline total");
            add_to(total.weighted, in_stage.weighted, "the weighted total");
            total.age_days += in_stage.age_days;
            add_row(stage.name, in_stage, Style::plain, true);
        }
        add_row("total", total, Style::strong, false);
    }
    return table;
}

}  // namespace funnel
