#include "funnel/reports/as_of.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "funnel/domain/history.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

// The fields the rebuilt reports read: changes to the others (name, description, ...) need not
// be undone. Each is read through the covering index by field, in deal order.
const char* const report_fields[] = {"org",      "currency", "amount", "close_date", "probability",
                                     "category", "type",     "owner",  "source",     "closed_at"};

HistoryStore::Filter changes_after(const Timestamp& moment, bool with_stage_entries) {
    HistoryStore::Filter filter;
    for (const char* field : report_fields)
        filter.push_back({field, moment});
    // Days in stage count from the last stage change before the moment: read them all.
    filter.push_back({"stage", with_stage_entries ? std::nullopt : std::optional(moment)});
    return filter;
}

// The deals as they stood at `moment`, one by one, with their organization names of that time.
// Only the changes after the moment are read, and the stage changes when `stage_entries` is
// asked for (the days in stage count from the last one before the moment).
void for_each_deal_as_of(Store& store, const Timestamp& moment, const ReportScope& scope,
                         bool stage_entries, const std::function<void(const Opportunity&)>& visit) {
    const auto stages = store.stages().all();
    std::unordered_map<std::int64_t, std::string> org_names;
    for (auto& [id, name] : store.parties().organization_names())
        org_names.emplace(id, std::move(name));
    store.history().for_each_deal(
        {}, changes_after(moment, stage_entries),
        [&](const Opportunity& current, const std::vector<DealChange>& changes) {
            auto deal = deal_as_of(current, changes, moment, stages);
            if (!deal) return;
            if (deal->org_id && deal->org.empty())
                if (auto found = org_names.find(*deal->org_id); found != org_names.end())
                    deal->org = found->second;
            if (scope.owner && !iequals(deal->owner, *scope.owner)) return;
            if (scope.type && deal->type != *scope.type) return;
            if (scope.currency && deal->amount.currency.code() != *scope.currency) return;
            visit(*deal);
        });
}

std::optional<std::string> field_value(const Opportunity& deal, DealField field) {
    const auto text = [](const std::string& value) {
        return value.empty() ? std::nullopt : std::optional(value);
    };
    switch (field) {
        case DealField::none:
            return std::nullopt;
        case DealField::stage:
            return deal.stage;
        case DealField::owner:
            return text(deal.owner);
        case DealField::type:
            return std::string(to_string(deal.type));
        case DealField::org:
            return text(deal.org);
        case DealField::source:
            return text(deal.source);
    }
    return std::nullopt;
}

}  // namespace

void for_each_deal_at(
    Store& store, const std::vector<Timestamp>& moments,
    const std::function<void(const Opportunity&, const std::vector<std::optional<Opportunity>>&)>&
        visit) {
    if (moments.empty()) return;
    const auto stages = store.stages().all();
    store.history().for_each_deal(
        {}, changes_after(moments.front(), false),
        [&](const Opportunity& current, const std::vector<DealChange>& changes) {
            visit(current, deals_as_of(current, changes, moments, stages));
        });
}

namespace {

// A deal's amount and weighted amount converted as the scope asks (on `day`, else the open
// day), as the database's sums convert each.
Converted converted(const ReportScope& scope, const Opportunity& deal, std::optional<Date> day) {
    if (!scope.in) return {};
    const std::int64_t amount = scope.in->convert(deal.amount.minor, deal.amount.currency.code(),
                                                  day.value_or(scope.in->open_day()));
    return {amount, weighted_minor(amount, deal.probability)};
}

}  // namespace

Forecast forecast_as_of(Store& store, const ForecastQuery& query) {
    if (query.periods.empty()) throw invalid_input("a forecast needs at least one period");
    const Timestamp moment = end_of_day(query.today);
    const DealField field = field_of(query.group);
    const OpenWindow window = open_window(query);
    const Date first = query.periods.front().first, last = query.periods.back().last;
    ForecastSource source;
    source.aggregates = [&](const ForecastSource::OpenVisit& open,
                            const ForecastSource::ClosedVisit& closed) {
        for_each_deal_as_of(store, moment, query.scope, false, [&](const Opportunity& deal) {
            const std::string currency(deal.amount.currency.code());
            if (deal.is_open()) {
                if (in_window(window, deal.close_date))
                    open({currency, deal.close_date, field_value(deal, field), deal.stage_id, 1,
                          deal.amount.minor, deal.weighted_minor(), deal.own_category,
                          converted(query.scope, deal, std::nullopt)});
            } else if (deal.closed_at && *deal.closed_at >= first && *deal.closed_at <= last) {
                closed({currency, *deal.closed_at, field_value(deal, field), deal.state, 1,
                        deal.amount.minor, converted(query.scope, deal, deal.closed_at)});
            }
        });
    };
    source.open_deals = [&](const ForecastSource::DealVisit& visit) {
        for_each_deal_as_of(store, moment, query.scope, false, [&](const Opportunity& deal) {
            if (deal.is_open() && in_window(window, deal.close_date))
                visit({std::string(deal.amount.currency.code()), deal.close_date,
                       field_value(deal, field), deal.stage_id, deal.amount.minor, deal.probability,
                       deal.own_category, converted(query.scope, deal, std::nullopt)});
        });
    };
    return forecast_from(query, store.stages().all(), std::string(store.default_currency().code()),
                         source);
}

std::vector<StageAggregate> open_by_stage_as_of(Store& store, Date day, const ReportScope& scope) {
    std::map<std::pair<std::string, std::int64_t>, StageAggregate> by_stage;
    for_each_deal_as_of(store, end_of_day(day), scope, true, [&](const Opportunity& deal) {
        if (!deal.is_open()) return;
        const std::string currency(deal.amount.currency.code());
        auto& row = by_stage[{currency, deal.stage_id}];
        row.currency = currency;
        row.stage_id = deal.stage_id;
        row.count += 1;
        add_to(row.amount, deal.amount.minor, "the amount of a stage");
        add_to(row.weighted, deal.weighted_minor(), "the weighted amount of a stage");
        const Converted in = converted(scope, deal, std::nullopt);
        add_to(row.converted.amount, in.amount, "the converted amount of a stage");
        add_to(row.converted.weighted, in.weighted, "the converted weighted amount of a stage");
        if (const auto entered = date_of(deal.stage_changed_at))
            row.age_days += std::max<std::int64_t>(0, days_between(*entered, day));
    });
    std::vector<StageAggregate> rows;
    for (auto& [key, row] : by_stage)
        rows.push_back(row);
    return rows;
}

namespace {

enum Change {
    then_amount,
    new_deals,
    won,
    lost,
    reopened,
    pushed_out,
    pulled_in,
    increased,
    decreased,
    now_amount,
    change_count
};

// Where an open deal stands among the periods: before them, in one, or after them.
std::optional<int> position(const PeriodIndex& index, const std::vector<Period>& periods,
                            const Opportunity& deal) {
    if (!deal.is_open()) return std::nullopt;
    if (auto bucket = index.open_bucket(deal.close_date)) return *bucket;
    return deal.close_date < periods.front().first ? -1 : int(periods.size());
}

}  // namespace

Table forecast_changes(Store& store, const ForecastQuery& query, Date since) {
    if (since >= query.today)
        throw invalid_input(fmt::format("--compare {}: expected a day before today ({})",
                                        format_date(since), format_date(query.today)));
    const auto& periods = query.periods;
    const PeriodIndex then_index(periods, since), now_index(periods, query.today);
    const Timestamp then_moment = end_of_day(since);
    const auto stages = store.stages().all();
    const int n = int(periods.size());
    // currency -> period -> the amounts of each kind of change
    std::map<std::string, std::vector<std::array<std::int64_t, change_count>>> cells;
    const auto add = [&](const std::string& currency, std::optional<int> at, Change kind,
                         std::int64_t amount) {
        if (!at || *at < 0 || *at >= n || amount == 0) return;
        auto& rows = cells[currency];
        if (rows.empty()) rows.resize(std::size_t(n), {});
        add_to(rows[std::size_t(*at)][kind], amount);
    };
    store.history().for_each_deal(
        {}, changes_after(then_moment, false),
        [&](const Opportunity& now, const std::vector<DealChange>& changes) {
            const auto then = deal_as_of(now, changes, then_moment, stages);
            const auto in_scope = [&](const Opportunity& deal) {
                return (!query.scope.owner || iequals(deal.owner, *query.scope.owner)) &&
                       (!query.scope.type || deal.type == *query.scope.type) &&
                       (!query.scope.currency ||
                        deal.amount.currency.code() == *query.scope.currency);
            };
            const bool now_counts = in_scope(now), then_counts = then && in_scope(*then);
            const auto now_at = now_counts ? position(now_index, periods, now) : std::nullopt;
            const auto then_at = then_counts ? position(then_index, periods, *then) : std::nullopt;
            const std::string now_currency(now.amount.currency.code());
            // "now" is counted on its own, not as the sum of the changes: the tests check that
            // they agree.
            if (now_at) {
                cells[now_currency];  // the currency has a section
                add(now_currency, now_at, now_amount, now.amount.minor);
            }
            if (then_at) {
                const std::string then_currency(then->amount.currency.code());
                add(then_currency, then_at, then_amount, then->amount.minor);
                if (!now_at) {
                    const Change kind = !now_counts                                ? decreased
                                        : now.state == StageState::won             ? won
                                        : now.state == StageState::lost            ? lost
                                        : (now.close_date < periods.front().first) ? pulled_in
                                                                                   : pushed_out;
                    add(then_currency, then_at, kind, -then->amount.minor);
                    return;
                }
                if (then_currency != now_currency) {
                    add(then_currency, then_at, decreased, -then->amount.minor);
                    add(now_currency, now_at, increased, now.amount.minor);
                    return;
                }
                if (*then_at != *now_at) {
                    const Change kind = *now_at > *then_at ? pushed_out : pulled_in;
                    add(then_currency, then_at, kind, -then->amount.minor);
                    add(now_currency, now_at, kind, then->amount.minor);
                }
                const std::int64_t delta = now.amount.minor - then->amount.minor;
                add(now_currency, now_at, delta > 0 ? increased : decreased, delta);
                return;
            }
            if (!now_at) return;
            // Open then and in scope would have a position: it was absent, closed or elsewhere.
            const Change kind = !then ? new_deals : !then_counts ? increased : reopened;
            add(now_currency, now_at, kind, now.amount.minor);
        });
    for (auto& [currency, rows] : cells)
        if (rows.empty()) rows.resize(std::size_t(n), {});
    if (cells.empty())
        cells[query.scope.currency.value_or(std::string(store.default_currency().code()))].resize(
            std::size_t(n), {});

    Table table{{{"currency", "Cur"},
                 {"period", "Period"},
                 {"then", "Then"},
                 {"new", "New"},
                 {"won", "Won"},
                 {"lost", "Lost"},
                 {"reopened", "Reopened"},
                 {"pushed_out", "Pushed out"},
                 {"pulled_in", "Pulled in"},
                 {"amount_increased", "Increased"},
                 {"amount_decreased", "Decreased"},
                 {"now", "Now"}},
                {}};
    for (const auto& cell : cells) {
        // Named, not bound: lambdas capture these (clang 14 cannot capture a binding).
        const std::string& currency = cell.first;
        const auto& rows = cell.second;
        const int digits = Currency::find(currency) ? Currency::find(currency)->digits() : 2;
        std::array<std::int64_t, change_count> total{};
        const auto add_row = [&](const std::string& period,
                                 const std::array<std::int64_t, change_count>& values,
                                 Style style) {
            Row row{text_cell(currency, style), text_cell(period, style)};
            for (int kind = then_amount; kind < change_count; ++kind)
                row.push_back(decimal_cell(values[std::size_t(kind)], digits,
                                           values[std::size_t(kind)] < 0 ? Style::bad : style));
            table.rows.push_back(std::move(row));
        };
        for (int i = 0; i < n; ++i) {
            add_row(periods[std::size_t(i)].label(), rows[std::size_t(i)], Style::plain);
            for (int kind = 0; kind < change_count; ++kind)
                add_to(total[std::size_t(kind)], rows[std::size_t(i)][std::size_t(kind)]);
        }
        add_row("total", total, Style::strong);
    }
    return table;
}

}  // namespace funnel
