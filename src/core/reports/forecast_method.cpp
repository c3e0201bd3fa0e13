// The forecast column of report forecast, by method: recorded, learned or run-rate.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/as_of.hpp"
#include "funnel/reports/backtest.hpp"
#include "funnel/reports/forecast.hpp"
#include "funnel/reports/learned.hpp"

namespace funnel {

ForecastMethod parse_forecast_method(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    if (word == "recorded") return ForecastMethod::recorded;
    if (word == "learned") return ForecastMethod::learned;
    if (word == "run-rate" || word == "run_rate") return ForecastMethod::run_rate;
    throw invalid_input("expected recorded, learned or run-rate");
}

std::string_view to_string(ForecastMethod method) {
    switch (method) {
        case ForecastMethod::learned:
            return "learned";
        case ForecastMethod::run_rate:
            return "run-rate";
        case ForecastMethod::recorded:
            break;
    }
    return "recorded";
}

using Cells = std::map<std::pair<std::int64_t, CloseBucket>, std::int64_t>;

// What the file knows at the end of query.today, for the learned and run-rate columns.
struct ForecastBasis {
    LearnedRates rates;
    std::map<std::string, std::int64_t> run_rate;  // per currency; none before the file reaches
    bool run_rate_known = false;                   // back over the whole window
    std::map<std::string, Cells> current;          // open deals by stage and bucket
    std::map<std::pair<std::string, std::size_t>, Cells> later;  // due in a later period
};

namespace {

ForecastBasis read_history(Store& store, const ForecastQuery& query, const Period& current) {
    const Granularity granularity = current.granularity;
    std::vector<Period> before;  // the complete periods before the current one, oldest first
    for (Period earlier = current; before.size() < std::size_t(learned_depth);) {
        earlier = period_containing(add_days(earlier.first, -1), granularity);
        before.insert(before.begin(), earlier);
    }
    const Date window_first = before[before.size() - std::size_t(query.window)].first;
    // A run rate needs the file as it is now only; learned rates each period's start too.
    std::vector<Period> learned;
    if (query.method == ForecastMethod::learned) learned = before;
    std::vector<Timestamp> moments;
    for (const auto& period : learned)
        moments.push_back(end_of_day(add_days(period.first, -1)));
    moments.push_back(end_of_day(query.today));
    const std::size_t now = learned.size();

    ForecastBasis history;
    RateLearner learner(learned, {{0, now}}, query.window);
    std::optional<Date> first_created;
    std::map<std::string, std::int64_t> won_in_window;
    for_each_deal_at(
        store, moments,
        [&](const Opportunity&, const std::vector<std::optional<Opportunity>>& then) {
            const auto& deal = then[now];
            if (!deal) return;
            if (now) learner.add(then, {&*deal});
            if (const auto created = date_of(deal->created_at))
                first_created = std::min(first_created.value_or(*created), *created);
            const std::string currency(deal->amount.currency.code());
            if (query.scope.currency && currency != *query.scope.currency) return;
            if (deal->state == StageState::won && deal->closed_at &&
                *deal->closed_at >= window_first && *deal->closed_at < current.first)
                add_to(won_in_window[currency], deal->amount.minor, "the amount won");
            if (!deal->is_open()) return;
            if (deal->close_date <= current.last) {
                add_to(history.current[currency]
                                      [{deal->stage_id, bucket_of(deal->close_date, current)}],
                       deal->amount.minor, "an open total");
                return;
            }
            for (std::size_t i = 0; i < query.periods.size(); ++i)
                if (query.periods[i].first > current.last &&
                    query.periods[i].contains(deal->close_date))
                    add_to(history.later[{currency, i}][{deal->stage_id, CloseBucket::in}],
                           deal->amount.minor, "an open total");
            add_to(history.current[currency][{deal->stage_id, CloseBucket::later}],
                   deal->amount.minor, "an open total");
        });
    history.rates = learner.finish().front();
    history.run_rate_known = first_created && *first_created <= window_first;
    for (const auto& [currency, won] : won_in_window)
        history.run_rate[currency] = ratio_units(won, query.window, 0);
    return history;
}

using nlohmann::json;

json cells_json(const Cells& cells) {
    auto items = json::array();
    for (const auto& [key, amount] : cells)
        items.push_back({key.first, int(key.second), amount});
    return items;
}

Cells cells_of(const json& items) {
    Cells cells;
    for (const auto& item : items)
        cells[{item.at(0).get<std::int64_t>(), CloseBucket(item.at(1).get<int>())}] =
            item.at(2).get<std::int64_t>();
    return cells;
}

// What read_history found, as kept in a ResultCache.
std::string kept_text(const ForecastBasis& history) {
    const LearnedRates& rates = history.rates;
    auto by_stage = json::array();
    for (const auto& [key, rate] : rates.by_stage)
        by_stage.push_back({key.first, int(key.second), rate});
    auto by_bucket = json::array();
    for (const auto& [bucket, rate] : rates.by_bucket)
        by_bucket.push_back({int(bucket), rate});
    auto current = json::object();
    for (const auto& [currency, cells] : history.current)
        current[currency] = cells_json(cells);
    auto later = json::array();
    for (const auto& [key, cells] : history.later)
        later.push_back({key.first, key.second, cells_json(cells)});
    return json{{"by_stage", by_stage},         {"by_bucket", by_bucket},
                {"overall", rates.overall},     {"new_business", rates.new_business},
                {"periods", rates.periods},     {"closed", rates.closed},
                {"run_rate", history.run_rate}, {"run_rate_known", history.run_rate_known},
                {"current", current},           {"later", later}}
        .dump();
}

std::optional<ForecastBasis> kept_history(const std::string& text) try {
    const auto kept = json::parse(text);
    ForecastBasis history;
    LearnedRates& rates = history.rates;
    for (const auto& item : kept.at("by_stage"))
        rates.by_stage[{item.at(0).get<std::int64_t>(), CloseBucket(item.at(1).get<int>())}] =
            item.at(2).get<double>();
    for (const auto& item : kept.at("by_bucket"))
        rates.by_bucket[CloseBucket(item.at(0).get<int>())] = item.at(1).get<double>();
    rates.overall = kept.at("overall").get<double>();
    rates.new_business = kept.at("new_business").get<std::map<std::string, std::int64_t>>();
    rates.periods = kept.at("periods").get<int>();
    rates.closed = kept.at("closed").get<std::int64_t>();
    history.run_rate = kept.at("run_rate").get<std::map<std::string, std::int64_t>>();
    history.run_rate_known = kept.at("run_rate_known").get<bool>();
    for (const auto& [currency, cells] : kept.at("current").items())
        history.current[currency] = cells_of(cells);
    for (const auto& item : kept.at("later"))
        history.later[{item.at(0).get<std::string>(), item.at(1).get<std::size_t>()}] =
            cells_of(item.at(2));
    return history;
} catch (const std::exception&) {
    return std::nullopt;  // damaged: read again
}

// read_history, kept for this state of the file in query.cache.
ForecastBasis basis_of(Store& store, const ForecastQuery& query, const Period& current) {
    if (!query.cache) return read_history(store, query, current);
    std::string key = fmt::format("history {} {} {} {}", to_string(query.method), query.window,
                                  format_date(query.today), query.scope.currency.value_or("*"));
    for (const auto& period : query.periods)
        key += " " + period.label();
    if (const auto text = query.cache->get(key))
        if (auto kept = kept_history(*text)) return std::move(*kept);
    ForecastBasis history = read_history(store, query, current);
    query.cache->put(key, kept_text(history));
    return history;
}

}  // namespace

namespace {

void fill_recorded(Forecast& forecast) {
    forecast.method = ForecastMethod::recorded;
    for (auto& row : forecast.rows) {
        std::int64_t expected = row.figures.won_amount;
        add_to(expected, row.figures.weighted, "the forecast");
        row.figures.forecast = expected;
    }
}

// A currency with nothing open or closed in the periods shown can still be expected to win:
// its run rate, or the new business learned for it. It gets its rows, with zero figures.
void add_currencies_of_history(const ForecastQuery& query, const ForecastBasis& history,
                               Forecast& forecast) {
    std::set<std::string> shown;
    for (const auto& row : forecast.rows)
        shown.insert(row.currency);
    const auto& expected =
        query.method == ForecastMethod::run_rate ? history.run_rate : history.rates.new_business;
    bool added = false;
    for (const auto& [currency, amount] : expected) {
        if (amount <= 0 || shown.count(currency)) continue;
        if (query.scope.currency && currency != *query.scope.currency) continue;
        for (std::size_t i = 0; i < query.periods.size(); ++i) {
            ForecastRow row;
            row.currency = currency;
            row.period = query.periods[i].label();
            row.bucket = int(i);
            forecast.rows.push_back(std::move(row));
        }
        ForecastRow total;
        total.currency = currency;
        total.period = "total";
        total.total = true;
        forecast.rows.push_back(std::move(total));
        added = true;
    }
    if (added)
        std::stable_sort(
            forecast.rows.begin(), forecast.rows.end(),
            [](const ForecastRow& a, const ForecastRow& b) { return a.currency < b.currency; });
}

// The learned or run-rate column from what the file knew (read_history).
void fill_from_history(const ForecastQuery& query, const Period& current,
                       const ForecastBasis& history, Forecast& forecast) {
    forecast.method = query.method;
    forecast.window = query.window;
    add_currencies_of_history(query, history, forecast);
    const double ahead = double(days_between(query.today, current.last) + 1) /
                         double(days_between(current.first, current.last) + 1);
    std::map<std::string, std::int64_t> totals;
    for (auto& row : forecast.rows) {
        if (row.total) continue;
        const Period& period = query.periods[std::size_t(row.bucket)];
        std::optional<std::int64_t> expected;
        if (period.last < current.first) {
            expected = row.figures.won_amount;  // over: what was won
        } else if (query.method == ForecastMethod::run_rate) {
            if (history.run_rate_known) {
                const auto found = history.run_rate.find(row.currency);
                expected = found == history.run_rate.end() ? 0 : found->second;
                if (period.first <= current.last)
                    expected = std::max(*expected, row.figures.won_amount);
            }
        } else if (period.first <= current.last) {
            const auto found = history.current.find(row.currency);
            expected = learned_forecast(history.rates, row.currency,
                                        found == history.current.end() ? Cells{} : found->second,
                                        row.figures.won_amount, ahead);
        } else {
            const auto found = history.later.find({row.currency, std::size_t(row.bucket)});
            expected =
                learned_forecast(history.rates, row.currency,
                                 found == history.later.end() ? Cells{} : found->second, 0, 1);
        }
        row.figures.forecast = expected;
        if (expected) add_to(totals[row.currency], *expected, "the forecast total");
    }
    for (auto& row : forecast.rows)
        if (row.total) {
            const auto found = totals.find(row.currency);
            if (found != totals.end()) row.figures.forecast = found->second;
        }
}

// --simulate with a method that has no simulation of its own: each period's range from the
// method's record over the periods before this one (empirical_range), as report backtest gives
// it; periods over are what was won. Totals get none: ranges of periods do not add up.
void add_ranges(Store& store, const ForecastQuery& query, const Period& current,
                Forecast& forecast) {
    const Backtest backtest = run_backtest(store, record_before(query, query.method));
    std::map<std::string, std::vector<double>> ratios;
    for (auto& row : forecast.rows) {
        row.figures.outcome.reset();
        if (row.total || !row.figures.forecast) continue;
        const Period& period = query.periods[std::size_t(row.bucket)];
        if (period.last < current.first) {
            const std::int64_t won = row.figures.won_amount;
            row.figures.outcome = Outcome{won, won, won};
            continue;
        }
        auto found = ratios.find(row.currency);
        if (found == ratios.end())
            found = ratios.emplace(row.currency, forecast_ratios(backtest, row.currency)).first;
        row.figures.outcome = empirical_range(*row.figures.forecast, found->second);
    }
    forecast.simulated = true;
    forecast.notes.push_back(fmt::format(
        "P50 ({}) is the forecast; P10 and P90 are the forecast times the 10th and 90th "
        "percentiles of actual / forecast over the {} periods before this one, each forecast as "
        "the file knew it when its period began (report backtest); none where fewer than {} of "
        "them had a forecast.",
        to_string(query.method), ranged_periods, min_past_errors));
}

}  // namespace

MethodChoice choose_method(Store& store, const ForecastQuery& query) {
    const Period current = period_containing(query.today, query.periods.front().granularity);
    MethodChoice choice{query, {}, nullptr};
    const bool grouped = query.group != ForecastGroup::none;
    if (query.method_by_default) {
        // The learned method forecasts whole periods from every deal; otherwise, or with too
        // little history for it, the recorded one.
        choice.query.method = ForecastMethod::recorded;
        if (grouped || query.scope.narrowed()) return choice;
        // Too few deals closed in the periods learned from, whatever else the history holds:
        // said without reading it.
        Period first = current;
        for (int i = 0; i < learned_depth; ++i)
            first = period_containing(add_days(first.first, -1), first.granularity);
        const std::int64_t closed =
            store.reports().count_closed(first.first, add_days(current.first, -1));
        if (closed < min_learned_closed) {
            choice.notes.push_back(fmt::format(
                "The recorded method, not the learned one: that needs {} deals closed in the {} "
                "periods before this one, and {} did (docs/reports.md).",
                min_learned_closed, learned_depth, closed));
            return choice;
        }
        ForecastQuery learned = query;
        learned.method = ForecastMethod::learned;
        auto basis = std::make_shared<const ForecastBasis>(basis_of(store, learned, current));
        if (basis->rates.enough()) return {learned, {}, std::move(basis)};
        choice.notes.push_back(fmt::format(
            "The recorded method, not the learned one: that needs {} periods with deals open at "
            "their start and {} deals closed in them, and the history holds {} and {} "
            "(docs/reports.md).",
            min_learned_periods, min_learned_closed, basis->rates.periods, basis->rates.closed));
        return choice;
    }
    if (query.method == ForecastMethod::recorded) return choice;
    const auto method = to_string(query.method);
    if (grouped)
        throw invalid_input(fmt::format(
            "--method {} forecasts whole periods; --group goes with --method recorded", method));
    if (query.scope.narrowed())
        throw invalid_input(fmt::format(
            "--method {} learns from every deal; --owner, --type and --where go with --method "
            "recorded",
            method));
    choice.basis = std::make_shared<const ForecastBasis>(basis_of(store, query, current));
    const ForecastBasis& basis = *choice.basis;
    if (query.method == ForecastMethod::run_rate && !basis.run_rate_known)
        choice.notes.push_back(fmt::format(
            "No run rate: the file does not reach back over the {} periods before this one.",
            query.window));
    if (query.method == ForecastMethod::learned && !basis.rates.enough())
        choice.notes.push_back(fmt::format(
            "Learned from little: {} periods with deals open at their start and {} deals closed "
            "in them, where {} and {} make a learned forecast worth trusting; report backtest "
            "--method learned shows how far off it has been.",
            basis.rates.periods, basis.rates.closed, min_learned_periods, min_learned_closed));
    return choice;
}

namespace {

// The forecast column of the section converted into `in`'s currency, from the other sections'
// forecasts: what each expects beyond what was won, converted at the rates of the open day,
// plus what was won, converted at the rates of the days it closed. Ranges do not convert.
void fill_converted(AmountConverter& in, const Forecast& forecast,
                    std::vector<ForecastRow>& converted) {
    for (auto& row : converted) {
        row.figures.outcome.reset();
        if (row.total) continue;
        std::optional<std::int64_t> expected = row.figures.won_amount;
        for (const auto& other : forecast.rows) {
            if (other.total || other.bucket != row.bucket || other.group != row.group) continue;
            if (!other.figures.forecast) {
                expected.reset();
                break;
            }
            add_to(*expected,
                   in.convert(*other.figures.forecast - other.figures.won_amount, other.currency,
                              in.open_day()),
                   "the converted forecast");
        }
        row.figures.forecast = expected;
    }
    for (auto& total : converted) {
        if (!total.total) continue;
        std::optional<std::int64_t> sum = 0;
        for (const auto& row : converted) {
            if (row.total || (total.group && row.group != total.group)) continue;
            if (!row.figures.forecast) {
                sum.reset();
                break;
            }
            add_to(*sum, *row.figures.forecast, "the converted forecast");
        }
        total.figures.forecast = sum;
    }
}

}  // namespace

void apply_method(Store& store, const MethodChoice& choice, Forecast& forecast) {
    const ForecastQuery& query = choice.query;
    // The converted section (--in) aside: its forecast is made from the others'.
    std::vector<ForecastRow> converted;
    for (auto& row : forecast.rows)
        if (row.converted) converted.push_back(std::move(row));
    std::erase_if(forecast.rows, [](const ForecastRow& row) { return row.converted; });
    if (!choice.basis) {
        fill_recorded(forecast);
    } else {
        const Period current = period_containing(query.today, query.periods.front().granularity);
        fill_from_history(query, current, *choice.basis, forecast);
        if (query.simulation) add_ranges(store, query, current, forecast);
    }
    if (!converted.empty()) {
        if (!choice.basis) {
            Forecast in_currency;
            in_currency.rows = std::move(converted);
            fill_recorded(in_currency);
            converted = std::move(in_currency.rows);
        } else {
            fill_converted(*query.scope.in, forecast, converted);
        }
        for (auto& row : converted)
            forecast.rows.push_back(std::move(row));
    }
    forecast.notes.insert(forecast.notes.end(), choice.notes.begin(), choice.notes.end());
}

}  // namespace funnel
