#include "funnel/reports/forecast.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/converted.hpp"

namespace funnel {

ForecastGroup parse_forecast_group(std::string_view text) {
    static constexpr std::pair<std::string_view, ForecastGroup> names[] = {
        {"stage", ForecastGroup::stage},       {"owner", ForecastGroup::owner},
        {"type", ForecastGroup::type},         {"org", ForecastGroup::org},
        {"category", ForecastGroup::category}, {"source", ForecastGroup::source},
    };
    const std::string word = ascii_lower(trim(text));
    for (const auto& [name, group] : names)
        if (name == word) return group;
    throw invalid_input("expected stage, owner, type, org, category or source");
}

DealField field_of(ForecastGroup group) {
    switch (group) {
        case ForecastGroup::none:
        case ForecastGroup::category:
            return DealField::none;
        case ForecastGroup::stage:
            return DealField::stage;
        case ForecastGroup::owner:
            return DealField::owner;
        case ForecastGroup::type:
            return DealField::type;
        case ForecastGroup::org:
            return DealField::org;
        case ForecastGroup::source:
            return DealField::source;
    }
    return DealField::none;
}

namespace {

const char* const no_value = "(none)";

// Rows are ordered by currency, period, then group: stages and categories in their own order,
// other groups alphabetically, deals without a value last.
struct GroupOrder {
    ForecastGroup group;
    const std::vector<Stage>* stages;

    std::tuple<int, std::string> key(const std::optional<std::string>& value) const {
        if (!value || *value == no_value) return {1 << 20, ""};
        if (group == ForecastGroup::stage)
            for (const auto& stage : *stages)
                if (stage.name == *value) return {stage.position, ""};
        if (group == ForecastGroup::category)
            for (int i = 0; i < 5; ++i)
                if (to_string(ForecastCategory(i)) == *value) return {i, ""};
        return {0, ascii_lower(*value)};
    }
};

using RowKey = std::tuple<std::string, int, std::optional<std::string>>;  // currency, bucket, group

// The group of a row: none when not grouped; "(none)" for a deal without a value, so that
// only the grand total has no group.
std::optional<std::string> row_group(const ForecastQuery& query,
                                     const std::optional<std::string>& value) {
    if (query.group == ForecastGroup::none) return std::nullopt;
    return value.value_or(no_value);
}

// The category an open deal counts in: its own, else its stage's.
ForecastCategory category_of(const std::vector<Stage>& stages, std::int64_t stage_id,
                             const std::optional<ForecastCategory>& own) {
    if (own) return *own;
    const Stage* stage = stage_with_id(stages, stage_id);
    return stage ? stage->category : ForecastCategory::pipeline;
}

std::optional<std::string> open_group(const ForecastQuery& query, const std::vector<Stage>& stages,
                                      std::int64_t stage_id,
                                      const std::optional<ForecastCategory>& own,
                                      const std::optional<std::string>& group) {
    if (query.group != ForecastGroup::category) return row_group(query, group);
    return std::string(to_string(category_of(stages, stage_id, own)));
}

std::optional<std::string> closed_group(const ForecastQuery& query, StageState state,
                                        const std::optional<std::string>& group) {
    if (query.group != ForecastGroup::category) return row_group(query, group);
    return std::string(
        to_string(state == StageState::won ? ForecastCategory::closed : ForecastCategory::omitted));
}

// Whether a simulated row (by its key, and whether it is converted) counts in a forecast row.
bool counts_in(const std::pair<bool, RowKey>& simulated, const ForecastRow& row) {
    const auto& [converted, key] = simulated;
    if (converted != row.converted || std::get<0>(key) != row.currency) return false;
    if (!row.total) return std::get<1>(key) == row.bucket && std::get<2>(key) == row.group;
    return !row.group || std::get<2>(key) == row.group;
}

// An aggregate as the converted section counts it: in the converter's currency.
OpenAggregate in_converted(const OpenAggregate& row, const std::string& currency) {
    OpenAggregate converted = row;
    converted.currency = currency;
    converted.amount = row.converted.amount;
    converted.weighted = row.converted.weighted;
    return converted;
}

ClosedAggregate in_converted(const ClosedAggregate& row, const std::string& currency) {
    ClosedAggregate converted = row;
    converted.currency = currency;
    converted.amount = row.converted.amount;
    return converted;
}

void add_figures(ForecastFigures& to, const ForecastFigures& from) {
    add_to(to.open, from.open);
    add_to(to.pipeline, from.pipeline, "the pipeline total");
    add_to(to.weighted, from.weighted, "the weighted total");
    add_to(to.commit, from.commit, "the commit total");
    add_to(to.best_case, from.best_case, "the best-case total");
    add_to(to.won, from.won);
    add_to(to.won_amount, from.won_amount, "the won total");
    add_to(to.lost, from.lost);
    add_to(to.lost_amount, from.lost_amount, "the lost total");
    add_to(to.overdue, from.overdue);
}

}  // namespace

std::optional<std::size_t> current_period(const ForecastQuery& query) {
    for (std::size_t i = 0; i < query.periods.size(); ++i)
        if (query.periods[i].contains(query.today)) return i;
    return std::nullopt;
}

namespace {

// Adds aggregates up, row by row, then orders and totals the rows.
class ForecastBuilder {
  public:
    ForecastBuilder(const ForecastQuery& query, const std::vector<Stage>& stages)
        : query_(query), stages_(stages), index_(query.periods, query.today) {}

    std::optional<int> open_bucket(Date close_date) const { return index_.open_bucket(close_date); }

    std::optional<std::string> group_of(const OpenDeal& deal) const {
        return open_group(query_, stages_, deal.stage_id, deal.category, deal.group);
    }

    void add(const OpenAggregate& row) {
        const auto index = open_bucket(row.close_date);
        if (!index) return;
        auto& figures =
            cells_[{row.currency, *index,
                    open_group(query_, stages_, row.stage_id, row.category, row.group)}];
        currencies_.insert(row.currency);
        add_to(figures.open, row.count);
        add_to(figures.pipeline, row.amount, "the pipeline");
        add_to(figures.weighted, row.weighted, "the weighted amount");
        if (row.close_date < query_.today) add_to(figures.overdue, row.count);
        const auto category = category_of(stages_, row.stage_id, row.category);
        if (category == ForecastCategory::commit) add_to(figures.commit, row.amount, "commit");
        if (category == ForecastCategory::commit || category == ForecastCategory::best_case)
            add_to(figures.best_case, row.amount, "best case");
    }

    void add(const ClosedAggregate& row) {
        const auto index = index_.bucket(row.closed_at);
        if (!index) return;
        auto& figures = cells_[{row.currency, *index, closed_group(query_, row.state, row.group)}];
        currencies_.insert(row.currency);
        if (row.state == StageState::won) {
            add_to(figures.won, row.count);
            add_to(figures.won_amount, row.amount, "the won amount");
            add_to(figures.commit, row.amount, "commit");
            add_to(figures.best_case, row.amount, "best case");
        } else {
            add_to(figures.lost, row.count);
            add_to(figures.lost_amount, row.amount, "the lost amount");
        }
    }

    Forecast finish(const std::string& default_currency) const {
        auto currencies = currencies_;
        if (currencies.empty()) currencies.insert(query_.scope.currency.value_or(default_currency));
        Forecast forecast;
        forecast.grouped = query_.group != ForecastGroup::none;
        const GroupOrder order{query_.group, &stages_};
        const auto by_group = [&](const auto& a, const auto& b) {
            return order.key(a.first) < order.key(b.first);
        };
        for (const auto& currency : currencies) {
            std::map<std::optional<std::string>, ForecastFigures> group_totals;
            ForecastFigures total;
            for (std::size_t index = 0; index < query_.periods.size(); ++index) {
                std::vector<std::pair<std::optional<std::string>, ForecastFigures>> in_period;
                const auto from = cells_.lower_bound({currency, int(index), std::nullopt});
                for (auto it = from; it != cells_.end() && std::get<0>(it->first) == currency &&
                                     std::get<1>(it->first) == int(index);
                     ++it)
                    in_period.emplace_back(std::get<2>(it->first), it->second);
                std::sort(in_period.begin(), in_period.end(), by_group);
                if (!forecast.grouped && in_period.empty())
                    in_period.emplace_back(std::nullopt, ForecastFigures{});
                for (const auto& [group, figures] : in_period) {
                    forecast.rows.push_back({currency, query_.periods[index].label(), group, false,
                                             figures, int(index)});
                    add_figures(group_totals[group], figures);
                    add_figures(total, figures);
                }
            }
            if (forecast.grouped) {
                std::vector<std::pair<std::optional<std::string>, ForecastFigures>> groups(
                    group_totals.begin(), group_totals.end());
                std::sort(groups.begin(), groups.end(), by_group);
                for (const auto& [group, figures] : groups)
                    forecast.rows.push_back({currency, "total", group, true, figures});
            }
            forecast.rows.push_back({currency, "total", std::nullopt, true, total});
        }
        return forecast;
    }

  private:
    const ForecastQuery& query_;
    const std::vector<Stage>& stages_;
    PeriodIndex index_;
    std::map<RowKey, ForecastFigures> cells_;
    std::set<std::string> currencies_;
};

}  // namespace

PeriodIndex::PeriodIndex(const std::vector<Period>& periods, Date today)
    : periods_(periods), today_(today) {
    for (std::size_t i = 0; i < periods.size(); ++i)
        if (periods[i].contains(today)) current_ = int(i);
}

std::optional<int> PeriodIndex::bucket(Date day) const {
    if (periods_.empty() || day < periods_.front().first || day > periods_.back().last)
        return std::nullopt;
    const auto after =
        std::upper_bound(periods_.begin(), periods_.end(), day,
                         [](Date value, const Period& period) { return value < period.first; });
    return int(after - periods_.begin()) - 1;
}

std::optional<int> PeriodIndex::open_bucket(Date close_date) const {
    if (close_date < today_) return current_;
    return bucket(close_date);
}

OpenWindow open_window(const ForecastQuery& query) {
    return {query.periods.front().first, query.periods.back().last, query.today,
            current_period(query).has_value()};
}

bool in_window(const OpenWindow& window, Date close_date) {
    if (close_date > window.last) return false;
    if (window.with_overdue) return true;
    return close_date >= window.first && close_date >= window.today;
}

Forecast combine_forecast(const ForecastQuery& query, const std::vector<Stage>& stages,
                          const std::string& default_currency,
                          const std::vector<OpenAggregate>& open,
                          const std::vector<ClosedAggregate>& closed) {
    ForecastBuilder builder(query, stages);
    for (const auto& row : open)
        builder.add(row);
    for (const auto& row : closed)
        builder.add(row);
    return builder.finish(default_currency);
}

Forecast forecast_from(const ForecastQuery& query, const std::vector<Stage>& stages,
                       const std::string& default_currency, const ForecastSource& source) {
    if (query.periods.empty()) throw invalid_input("a forecast needs at least one period");
    ForecastBuilder builder(query, stages);
    // With --in, the same deals in the converter's currency, in a section of their own.
    ForecastQuery in_query = query;
    in_query.scope.currency.reset();
    ForecastBuilder in_builder(in_query, stages);
    const AmountConverter* in = query.scope.in;
    const std::string in_currency = in ? std::string(in->currency().code()) : "";
    source.aggregates(
        [&](const OpenAggregate& row) {
            builder.add(row);
            if (in) in_builder.add(in_converted(row, in_currency));
        },
        [&](const ClosedAggregate& row) {
            builder.add(row);
            if (in) in_builder.add(in_converted(row, in_currency));
        });
    Forecast forecast = builder.finish(default_currency);
    if (in)
        for (auto& row : in_builder.finish(in_currency).rows) {
            row.converted = true;
            forecast.rows.push_back(std::move(row));
        }
    if (!query.simulation) return forecast;

    // One simulated outcome per row; totals add the rows' outcomes trial by trial.
    forecast.simulated = true;
    OutcomeSimulation simulation(query.simulation->trials, query.simulation->seed);
    std::map<std::pair<bool, RowKey>, std::size_t> keys;
    for (const auto& row : forecast.rows)
        if (!row.total)
            keys.emplace(std::pair{row.converted, RowKey{row.currency, row.bucket, row.group}},
                         keys.size());
    source.open_deals([&](const OpenDeal& deal) {
        const auto index = builder.open_bucket(deal.close_date);
        if (!index) return;
        const auto group = builder.group_of(deal);
        if (auto found = keys.find({false, {deal.currency, *index, group}}); found != keys.end())
            simulation.add(found->second, deal.amount, deal.probability);
        if (!in) return;
        if (auto found = keys.find({true, {in_currency, *index, group}}); found != keys.end())
            simulation.add(found->second, deal.converted.amount, deal.probability);
    });
    for (auto& row : forecast.rows) {
        std::vector<std::size_t> wanted;
        for (const auto& [key, index] : keys)
            if (counts_in(key, row)) wanted.push_back(index);
        row.figures.outcome = simulation.outcome(wanted);
    }
    return forecast;
}

Forecast compute_forecast(Store& store, const ForecastQuery& query) {
    if (query.periods.empty()) throw invalid_input("a forecast needs at least one period");
    const DealField field = field_of(query.group);
    const OpenWindow window = open_window(query);
    ForecastSource source;
    source.aggregates = [&](const ForecastSource::OpenVisit& open,
                            const ForecastSource::ClosedVisit& closed) {
        store.reports().aggregate_open_deals(window, field, query.scope, open);
        store.reports().aggregate_closed_deals(
            query.periods.front().first, query.periods.back().last, field, query.scope, closed);
    };
    source.open_deals = [&](const ForecastSource::DealVisit& visit) {
        store.reports().for_each_open_deal(window, field, query.scope, visit);
    };
    return forecast_from(query, store.stages().all(), std::string(store.default_currency().code()),
                         source);
}

Table forecast_table(const Forecast& forecast, const AmountConverter* in) {
    Table table;
    table.columns = currency_columns(in);
    table.columns.push_back({"period", "Period"});
    if (forecast.grouped) table.columns.push_back({"group", "Group"});
    const std::vector<Column> figures = {
        {"open", "Open"},
        {"pipeline", "Pipeline"},
        {"weighted", "Weighted"},
        {"commit", "Commit"},
        {"best_case", "Best case"},
        {"forecast", "Forecast"},
        {"won", "Won"},
        {"won_amount", "Won amount"},
        {"lost", "Lost"},
        {"lost_amount", "Lost amount", Audience::machines},
        {"overdue", "Overdue"},
    };
    table.columns.insert(table.columns.end(), figures.begin(), figures.end());
    if (forecast.simulated)
        for (const char* key : {"p10", "p50", "p90"})
            table.columns.push_back({key, ascii_upper(key)});
    if (forecast.with_quotas)
        table.columns.insert(
            table.columns.end(),
            {{"quota", "Quota"},
             {"attainment", "Attainment", Audience::machines},
             {"attainment_percent", "Attained", Audience::people, Unit::percent},
             {"forecast_attainment", "Forecast attainment", Audience::machines},
             {"forecast_attainment_percent", "Forecast %", Audience::people, Unit::percent},
             {"gap", "Gap"}});
    table.columns.push_back({"method", "Method", Audience::machines});
    table.columns.push_back({"window", "Window", Audience::machines});
    table.columns.push_back({"bar", "Weighted, as bars", Audience::people});

    // Bars compare the weighted amounts of the periods of one currency.
    std::map<std::pair<bool, std::string>, std::int64_t> scale;
    for (const auto& row : forecast.rows)
        if (!row.total) {
            auto& largest = scale[{row.converted, row.currency}];
            largest = std::max(largest, row.figures.weighted);
        }

    for (const auto& row : forecast.rows) {
        const int digits =
            Currency::find(row.currency) ? Currency::find(row.currency)->digits() : 2;
        const auto& f = row.figures;
        const Style style = row.total ? Style::strong : Style::plain;
        const auto money = [&](std::int64_t minor) { return decimal_cell(minor, digits, style); };
        Row cells;
        add_currency_cells(cells, row.currency, style, in, row.converted);
        cells.push_back(text_cell(row.period, style));
        if (forecast.grouped)
            cells.push_back(row.group ? text_cell(*row.group, style) : null_cell());
        cells.insert(cells.end(),
                     {
                         integer_cell(f.open, style),
                         money(f.pipeline),
                         money(f.weighted),
                         money(f.commit),
                         money(f.best_case),
                         f.forecast ? money(*f.forecast) : null_cell(),
                         integer_cell(f.won, style),
                         money(f.won_amount),
                         integer_cell(f.lost, style),
                         money(f.lost_amount),
                         integer_cell(f.overdue, f.overdue && !row.total ? Style::bad : style),
                     });
        if (forecast.simulated) {
            // None where the method gives no range (totals of learned and run-rate periods).
            if (f.outcome)
                cells.insert(cells.end(),
                             {money(f.outcome->p10), money(f.outcome->p50), money(f.outcome->p90)});
            else
                cells.insert(cells.end(), 3, null_cell());
        }
        if (forecast.with_quotas) {
            const auto share = [&](std::optional<std::int64_t> part, int scale, int decimals) {
                if (!f.quota || *f.quota <= 0 || !part) return null_cell();
                return ratio_cell(__int128(*part) * scale, *f.quota, decimals, style);
            };
            std::optional<std::int64_t> gap;
            if (f.quota && f.forecast) gap = *f.quota - *f.forecast;
            cells.insert(cells.end(),
                         {f.quota ? money(*f.quota) : null_cell(), share(f.won_amount, 1, 4),
                          share(f.won_amount, 100, 1), share(f.forecast, 1, 4),
                          share(f.forecast, 100, 1), gap ? money(*gap) : null_cell()});
        }
        cells.push_back(text_cell(std::string(to_string(forecast.method))));
        cells.push_back(forecast.window ? integer_cell(*forecast.window) : null_cell());
        cells.push_back(row.total ? null_cell()
                                  : bar_cell(f.weighted, scale[{row.converted, row.currency}]));
        table.rows.push_back(std::move(cells));
    }
    return table;
}

}  // namespace funnel
