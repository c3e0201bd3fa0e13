#include "funnel/reports/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/as_of.hpp"
#include "funnel/reports/converted.hpp"

namespace funnel {

namespace {

// What one currency's figures are, period by period.
struct Figures {
    std::vector<std::int64_t> recorded;    // weighted open deals known at the period's start
    std::vector<std::int64_t> window_won;  // won in the window before it, known at its start
    std::vector<std::int64_t> actual;      // won in the period, known now
    // Open at the period's start, by stage and where the close date lay: what learned rates
    // apply to.
    std::vector<std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t>> open;
    explicit Figures(std::size_t periods)
        : recorded(periods, 0), window_won(periods, 0), actual(periods, 0), open(periods) {}
};

BacktestSummary summarize(const std::string& currency, ForecastMethod method,
                          const std::vector<BacktestRow>& rows, bool converted = false) {
    BacktestSummary summary{currency, method};
    summary.converted = converted;
    for (const auto& row : rows) {
        if (row.currency != currency || row.method != method || row.converted != converted ||
            !row.forecast)
            continue;
        ++summary.periods;
        add_to(summary.forecast, *row.forecast, "the backtest's forecast total");
        add_to(summary.actual, row.actual, "the backtest's actual total");
        add_to(summary.absolute_error, std::abs(*row.forecast - row.actual),
               "the backtest's error total");
        if (row.range) {
            ++summary.ranged;
            if (row.range->p10 <= row.actual && row.actual <= row.range->p90) ++summary.in_range;
        }
    }
    return summary;
}

void add_empirical_ranges(std::vector<BacktestRow>& rows, std::size_t first, std::size_t last) {
    std::vector<double> ratios;
    for (std::size_t i = first; i < last; ++i) {
        auto& row = rows[i];
        if (row.forecast) row.range = empirical_range(*row.forecast, ratios);
        if (row.forecast && *row.forecast > 0)
            ratios.push_back(double(row.actual) / double(*row.forecast));
    }
}

}  // namespace

std::optional<Outcome> empirical_range(std::int64_t forecast, std::vector<double> ratios) {
    if (ratios.size() < min_past_errors) return std::nullopt;
    std::sort(ratios.begin(), ratios.end());
    const auto at = [&](double q) {  // linear between the order statistics
        const double position = q * double(ratios.size() - 1);
        const auto below = std::size_t(position);
        const double above = below + 1 < ratios.size() ? ratios[below + 1] : ratios[below];
        return ratios[below] + (position - double(below)) * (above - ratios[below]);
    };
    return Outcome{std::llround(double(forecast) * at(0.1)), forecast,
                   std::llround(double(forecast) * at(0.9))};
}

std::vector<double> forecast_ratios(const Backtest& backtest, const std::string& currency) {
    std::vector<double> ratios;
    for (const auto& row : backtest.rows)
        if (row.currency == currency && !row.converted && row.method == backtest.method &&
            row.forecast && *row.forecast > 0)
            ratios.push_back(double(row.actual) / double(*row.forecast));
    return ratios;
}

std::int64_t learned_forecast(
    const LearnedRates& rates, const std::string& currency,
    const std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t>& open, std::int64_t won,
    double ahead) {
    std::int64_t forecast = won;
    for (const auto& [key, amount] : open)
        add_to(forecast, std::llround(double(amount) * rates.rate(key.first, key.second)),
               "the learned forecast");
    if (auto found = rates.new_business.find(currency); found != rates.new_business.end())
        add_to(forecast, std::llround(double(found->second) * ahead), "the learned forecast");
    return forecast;
}

namespace {

std::vector<ForecastMethod> methods_of(ForecastMethod method) {
    if (method == ForecastMethod::run_rate) return {method};
    return {method, ForecastMethod::run_rate};
}

// Per currency, in the order of the rows: the method's summary, then the run rate's.
void add_summaries(Backtest& backtest) {
    std::vector<std::string> currencies;
    for (const auto& row : backtest.rows)
        if (currencies.empty() || currencies.back() != row.currency)
            currencies.push_back(row.currency);
    for (const auto& currency : currencies)
        for (const auto method : methods_of(backtest.method))
            backtest.summaries.push_back(summarize(currency, method, backtest.rows));
}

// A backtest as kept in a ResultCache: its rows (the summaries follow from them).
std::string kept_text(const Backtest& backtest) {
    auto rows = nlohmann::json::array();
    for (const auto& row : backtest.rows) {
        nlohmann::json range = nullptr;
        if (row.range) range = {row.range->p10, row.range->p50, row.range->p90};
        nlohmann::json forecast = nullptr;
        if (row.forecast) forecast = *row.forecast;
        rows.push_back(
            {row.currency, row.period, to_string(row.method), forecast, row.actual, range});
    }
    return nlohmann::json{
        {"method", to_string(backtest.method)}, {"window", backtest.window}, {"rows", rows}}
        .dump();
}

std::optional<Backtest> kept_backtest(const std::string& text) try {
    const auto json = nlohmann::json::parse(text);
    Backtest backtest;
    backtest.method = parse_forecast_method(json.at("method").get<std::string>());
    backtest.window = json.at("window").get<int>();
    for (const auto& item : json.at("rows")) {
        BacktestRow row;
        row.currency = item.at(0).get<std::string>();
        row.period = item.at(1).get<std::string>();
        row.method = parse_forecast_method(item.at(2).get<std::string>());
        if (!item.at(3).is_null()) row.forecast = item.at(3).get<std::int64_t>();
        row.actual = item.at(4).get<std::int64_t>();
        if (const auto& range = item.at(5); !range.is_null())
            row.range = Outcome{range.at(0).get<std::int64_t>(), range.at(1).get<std::int64_t>(),
                                range.at(2).get<std::int64_t>()};
        backtest.rows.push_back(std::move(row));
    }
    add_summaries(backtest);
    return backtest;
} catch (const std::exception&) {
    return std::nullopt;  // damaged: computed again
}

Backtest compute_backtest(Store& store, const BacktestQuery& query) {
    const std::size_t count = query.periods.size();
    const Granularity granularity = query.periods.front().granularity;

    // Each period is forecast from what was known at the end of the day before it, and its run
    // rate averages the `window` periods before it. Learned rates learn from up to
    // learned_depth periods before it: their starts are rebuilt too, in the same pass.
    const std::size_t depth = query.method == ForecastMethod::learned ? learned_depth : 0;
    std::vector<Period> all_periods;
    for (Period earlier = query.periods.front(); all_periods.size() < depth;) {
        earlier = period_containing(add_days(earlier.first, -1), granularity);
        all_periods.insert(all_periods.begin(), earlier);
    }
    all_periods.insert(all_periods.end(), query.periods.begin(), query.periods.end());
    std::vector<Timestamp> moments;
    for (const auto& period : all_periods)
        moments.push_back(end_of_day(add_days(period.first, -1)));
    std::vector<Date> window_first;
    for (const auto& period : query.periods) {
        Period earlier = period;
        for (int i = 0; i < query.window; ++i)
            earlier = period_containing(add_days(earlier.first, -1), granularity);
        window_first.push_back(earlier.first);
    }
    // Period k learns from the depth periods before it, as the file knew them at its start.
    std::vector<RateLearner::Target> targets;
    for (std::size_t k = 0; depth && k < count; ++k)
        targets.push_back({k, k + depth});
    RateLearner learner(all_periods, targets, query.window);
    std::vector<const Opportunity*> known(targets.size());

    std::map<std::string, Figures> figures;
    const auto of = [&](const Opportunity& deal) -> Figures& {
        return figures.try_emplace(std::string(deal.amount.currency.code()), count).first->second;
    };
    OutcomeSimulation simulation(query.simulation.trials, query.simulation.seed);
    std::map<std::pair<std::string, std::size_t>, std::size_t> keys;  // (currency, period)
    std::optional<Date> first_created;
    for_each_deal_at(
        store, moments,
        [&](const Opportunity& now, const std::vector<std::optional<Opportunity>>& then) {
            if (const auto created = date_of(now.created_at))
                first_created = std::min(first_created.value_or(*created), *created);
            if (depth) {
                for (std::size_t k = 0; k < count; ++k)
                    known[k] = then[depth + k] ? &*then[depth + k] : nullptr;
                learner.add(then, known);
            }
            for (std::size_t k = 0; k < count; ++k) {
                const Period& period = query.periods[k];
                if (now.state == StageState::won && now.closed_at &&
                    period.contains(*now.closed_at))
                    add_to(of(now).actual[k], now.amount.minor, "the amount won in a period");
                const auto& deal = then[depth + k];
                if (!deal) continue;
                if (deal->is_open())
                    add_to(of(*deal).open[k][{deal->stage_id, bucket_of(deal->close_date, period)}],
                           deal->amount.minor, "an open total");
                if (deal->is_open() && deal->close_date <= period.last) {
                    add_to(of(*deal).recorded[k], deal->weighted_minor(), "a weighted total");
                    if (query.method != ForecastMethod::recorded) continue;  // no range to draw
                    const std::string currency(deal->amount.currency.code());
                    const auto key = keys.try_emplace({currency, k}, keys.size()).first->second;
                    simulation.add(key, deal->amount.minor, deal->probability);
                } else if (deal->state == StageState::won && deal->closed_at &&
                           *deal->closed_at >= window_first[k] && *deal->closed_at < period.first) {
                    add_to(of(*deal).window_won[k], deal->amount.minor, "the amount won");
                }
            }
        });
    if (figures.empty()) figures.try_emplace(std::string(store.default_currency().code()), count);
    const std::vector<LearnedRates> rates = learner.finish();

    Backtest backtest{query.method, query.window, {}, {}};
    for (const auto& [currency, figure] : figures) {
        for (const auto method : methods_of(query.method)) {
            for (std::size_t k = 0; k < count; ++k) {
                BacktestRow row{currency,
                                query.periods[k].label(),
                                method,
                                std::nullopt,
                                figure.actual[k],
                                std::nullopt,
                                false,
                                std::nullopt};
                if (method == ForecastMethod::recorded) {
                    row.forecast = figure.recorded[k];
                    const auto key = keys.find({currency, k});
                    row.range = key == keys.end() ? Outcome{} : simulation.outcome({key->second});
                } else if (method == ForecastMethod::learned) {
                    if (rates[k].enough())
                        row.forecast = learned_forecast(rates[k], currency, figure.open[k], 0, 1);
                } else if (first_created &&
                           window_first[k] >=
                               period_containing(*first_created, granularity).first) {
                    // The mean, rounded half up, of the window's periods.
                    row.forecast = ratio_units(figure.window_won[k], query.window, 0);
                }
                backtest.rows.push_back(std::move(row));
            }
            if (method != ForecastMethod::recorded)
                add_empirical_ranges(backtest.rows, backtest.rows.size() - count,
                                     backtest.rows.size());
        }
    }
    add_summaries(backtest);
    return backtest;
}

}  // namespace

Backtest run_backtest(Store& store, const BacktestQuery& query) {
    if (query.periods.empty()) throw invalid_input("a backtest needs at least one period");
    if (query.window < 1 || query.window > max_window)
        throw invalid_input(fmt::format("the window is 1 to {} periods", max_window));
    if (!query.cache) return compute_backtest(store, query);
    std::string key = fmt::format("backtest {} {} {} {}", to_string(query.method), query.window,
                                  query.simulation.trials, query.simulation.seed);
    for (const auto& period : query.periods)
        key += " " + period.label();
    if (const auto text = query.cache->get(key))
        if (auto kept = kept_backtest(*text)) return std::move(*kept);
    Backtest backtest = compute_backtest(store, query);
    query.cache->put(key, kept_text(backtest));
    return backtest;
}

void add_converted_section(Store& store, const BacktestQuery& query, AmountConverter& in,
                           Backtest& backtest) {
    const std::string currency(in.currency().code());
    // What was won, deal by deal at the rate of the day it closed.
    std::vector<std::int64_t> actual(query.periods.size(), 0);
    const PeriodIndex index(query.periods, query.periods.front().first);
    ReportScope scope;
    scope.in = &in;
    store.reports().aggregate_closed_deals(
        query.periods.front().first, query.periods.back().last, DealField::none, scope,
        [&](const ClosedAggregate& row) {
            if (row.state != StageState::won) return;
            if (const auto k = index.bucket(row.closed_at))
                add_to(actual[std::size_t(*k)], row.converted.amount, "the converted actual");
        });
    std::vector<BacktestRow> rows;
    for (const auto method : methods_of(backtest.method))
        for (std::size_t k = 0; k < query.periods.size(); ++k) {
            BacktestRow row{currency,  query.periods[k].label(),
                            method,    0,
                            actual[k], std::nullopt,
                            true,      add_days(query.periods[k].first, -1)};
            // Each currency's forecast, as known when the period began, at that day's rates.
            for (const auto& native : backtest.rows) {
                if (native.converted || native.method != method || native.period != row.period)
                    continue;
                if (!native.forecast) {
                    row.forecast.reset();
                    break;
                }
                add_to(*row.forecast, in.convert(*native.forecast, native.currency, *row.rate_day),
                       "the converted forecast");
            }
            rows.push_back(std::move(row));
        }
    for (const auto method : methods_of(backtest.method))
        backtest.summaries.push_back(summarize(currency, method, rows, true));
    backtest.rows.insert(backtest.rows.end(), rows.begin(), rows.end());
}

Table backtest_table(const Backtest& backtest, const AmountConverter* in) {
    Table table{currency_columns(in), {}};
    table.columns.insert(table.columns.end(),
                         {
                             {"period", "Period"},
                             {"method", "Method"},
                             {"forecast", "Forecast"},
                             {"actual", "Actual"},
                             {"error", "Error"},
                             {"p10", "P10"},
                             {"p90", "P90"},
                             {"in_range", "In range"},
                             {"periods", "Periods"},
                             {"wape", "WAPE", Audience::machines},
                             {"wape_percent", "WAPE", Audience::people, Unit::percent},
                             {"bias", "Bias"},
                             {"coverage", "Coverage", Audience::machines},
                             {"coverage_percent", "Coverage", Audience::people, Unit::percent},
                         });
    for (const auto& summary : backtest.summaries) {
        const int digits = digits_of(summary.currency);
        const auto money = [&](std::int64_t minor) { return decimal_cell(minor, digits); };
        for (const auto& row : backtest.rows) {
            if (row.currency != summary.currency || row.method != summary.method ||
                row.converted != summary.converted)
                continue;
            const auto optional_money = [&](std::optional<std::int64_t> minor) {
                return minor ? money(*minor) : null_cell();
            };
            Row cells;
            add_currency_cells(cells, row.currency, Style::plain, in, row.converted, row.rate_day);
            cells.insert(cells.end(),
                         {text_cell(row.period), text_cell(std::string(to_string(row.method))),
                          optional_money(row.forecast), money(row.actual)});
            cells.push_back(row.forecast ? money(*row.forecast - row.actual) : null_cell());
            if (row.range) {
                const bool in = row.range->p10 <= row.actual && row.actual <= row.range->p90;
                cells.insert(cells.end(), {money(row.range->p10), money(row.range->p90),
                                           Cell{Value{in}, in ? Style::good : Style::bad}});
            } else {
                cells.insert(cells.end(), {null_cell(), null_cell(), null_cell()});
            }
            cells.insert(cells.end(), 6, null_cell());
            table.rows.push_back(std::move(cells));
        }
        const Style strong = Style::strong;
        Row cells;
        add_currency_cells(cells, summary.currency, strong, in, summary.converted);
        // A summary spans periods converted at different days' rates: no one day.
        if (in && summary.converted) cells[2] = null_cell();
        cells.insert(cells.end(),
                     {text_cell("summary", strong),
                      text_cell(std::string(to_string(summary.method)), strong),
                      decimal_cell(summary.forecast, digits, strong),
                      decimal_cell(summary.actual, digits, strong),
                      decimal_cell(summary.forecast - summary.actual, digits, strong), null_cell(),
                      null_cell(), null_cell(), integer_cell(summary.periods, strong),
                      ratio_cell(summary.absolute_error, summary.actual, 4, strong),
                      ratio_cell(__int128(summary.absolute_error) * 100, summary.actual, 1, strong),
                      ratio_cell(summary.forecast, summary.actual, 2, strong)});
        if (summary.ranged) {
            cells.push_back(ratio_cell(summary.in_range, summary.ranged, 4, strong));
            cells.push_back(ratio_cell(summary.in_range * 100, summary.ranged, 1, strong));
        } else {
            cells.insert(cells.end(), 2, null_cell());
        }
        table.rows.push_back(std::move(cells));
    }
    return table;
}

std::string backtest_footer(const Backtest& backtest, const std::vector<Period>& periods) {
    std::vector<std::string> parts;
    for (const auto& summary : backtest.summaries) {
        if (summary.method != backtest.method || summary.converted) continue;
        if (summary.periods == 0) {
            parts.push_back(fmt::format("{} no forecast to check", summary.currency));
            continue;
        }
        if (summary.actual <= 0) {
            parts.push_back(fmt::format("{} nothing won to check against", summary.currency));
            continue;
        }
        std::string part = fmt::format(
            "{} WAPE {} %, bias {}", summary.currency,
            format_units(ratio_units(__int128(summary.absolute_error) * 100, summary.actual, 1), 1,
                         Grouping::thousands),
            format_units(ratio_units(summary.forecast, summary.actual, 2), 2, Grouping::thousands));
        if (summary.ranged)
            part += fmt::format(", {} of {} in range", summary.in_range, summary.ranged);
        parts.push_back(std::move(part));
    }
    return fmt::format(
        "Backtest of {}..{} ({}, each forecast as the file knew it when its period "
        "began; report backtest): {}.",
        periods.front().label(), periods.back().label(), to_string(backtest.method),
        parts.empty() ? "no deals" : join(parts, "; "));
}

std::vector<std::string> backtest_notes(const Backtest& backtest) {
    std::vector<std::string> notes;
    if (backtest.method == ForecastMethod::run_rate) return notes;
    // Per currency, then the converted section's (--in).
    std::set<std::pair<bool, std::string>> sections;
    for (const auto& row : backtest.rows)
        sections.emplace(row.converted, row.currency);
    for (const auto& section : sections) {
        const bool converted = section.first;
        const std::string& currency = section.second;
        const auto in_section = [&](const BacktestRow& row) {
            return row.currency == currency && row.converted == converted;
        };
        // Both over the periods both forecast: the same periods, or the comparison lies.
        std::map<std::string, int> forecasts;
        for (const auto& row : backtest.rows)
            if (in_section(row) && row.forecast) ++forecasts[row.period];
        std::vector<BacktestRow> common;
        for (const auto& row : backtest.rows)
            if (in_section(row) && forecasts[row.period] == 2) common.push_back(row);
        const auto chosen = summarize(currency, backtest.method, common, converted);
        const auto benchmark = summarize(currency, ForecastMethod::run_rate, common, converted);
        if (benchmark.periods == 0 || benchmark.actual <= 0) continue;  // chosen's are the same
        const auto wape = [](const BacktestSummary& s) {
            return ratio_units(__int128(s.absolute_error) * 100, s.actual, 1);
        };
        if (wape(chosen) > wape(benchmark))
            notes.push_back(fmt::format(
                "{}: the {} forecast was further off than the run rate over the same {} periods "
                "(WAPE {} % against {} %): as recorded, the pipeline adds nothing to the run rate.",
                converted ? "In " + currency : currency, to_string(backtest.method),
                benchmark.periods, format_units(wape(chosen), 1, Grouping::thousands),
                format_units(wape(benchmark), 1, Grouping::thousands)));
    }
    return notes;
}

BacktestQuery record_before(const ForecastQuery& query, ForecastMethod method) {
    BacktestQuery past;
    past.method = method;
    past.window = query.window;
    past.cache = query.cache;
    Period period = period_containing(query.today, query.periods.front().granularity);
    for (int i = 0; i < ranged_periods; ++i) {
        period = period_containing(add_days(period.first, -1), period.granularity);
        past.periods.insert(past.periods.begin(), period);
    }
    return past;
}

std::vector<std::string> recent_backtest_notes(Store& store, const ForecastQuery& query,
                                               ForecastMethod method, int count) {
    const BacktestQuery past = record_before(query, method);
    Backtest backtest = run_backtest(store, past);
    const std::vector<Period> shown(past.periods.end() - std::min(count, ranged_periods),
                                    past.periods.end());
    std::set<std::string> labels;
    for (const auto& period : shown)
        labels.insert(period.label());
    std::erase_if(backtest.rows, [&](const BacktestRow& row) {
        return !labels.count(row.period) ||
               (query.scope.currency && row.currency != *query.scope.currency);
    });
    backtest.summaries.clear();
    add_summaries(backtest);
    std::vector<std::string> notes{backtest_footer(backtest, shown)};
    for (auto& note : backtest_notes(backtest))
        notes.push_back(std::move(note));
    return notes;
}

}  // namespace funnel
