#include "funnel/reports/analytics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "funnel/domain/history.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/converted.hpp"

namespace funnel {

namespace {

std::int64_t days_from(const Timestamp& from, const Timestamp& to) {
    const auto a = date_of(from), b = date_of(to);
    if (!a || !b) return 0;
    return std::max<std::int64_t>(0, days_between(*a, *b));
}

// A deal's way through the stages: the stage it started in at creation, then each change.
struct StageEntry {
    std::int64_t stage_id;
    Timestamp entered_at;
    std::int64_t change_id;  // 0 for the creation
};

// Seconds since 1970 of a timestamp; nothing for a damaged one.
std::optional<std::int64_t> seconds_of(const Timestamp& moment) {
    const auto day = date_of(moment);
    if (!day) return std::nullopt;
    std::int64_t seconds =
        std::int64_t(std::chrono::sys_days(*day).time_since_epoch().count()) * 86400;
    if (moment.size() >= 19)
        seconds += std::stoi(moment.substr(11, 2)) * 3600 + std::stoi(moment.substr(14, 2)) * 60 +
                   std::stoi(moment.substr(17, 2));
    return seconds;
}

// The stages a deal entered, in order; an entry left again within `min_dwell_seconds` was
// clicked through and is left out (the last entry always counts).
std::vector<StageEntry> stage_entries(const Opportunity& deal,
                                      const std::vector<DealChange>& changes,
                                      std::int64_t min_dwell_seconds = 0) {
    std::vector<StageEntry> entries;
    for (const auto& change : changes) {
        if (change.field != "stage" || !change.new_value) continue;
        if (entries.empty() && change.old_value)
            entries.push_back({std::stoll(*change.old_value), deal.created_at, 0});
        entries.push_back({std::stoll(*change.new_value), change.changed_at, change.id});
    }
    if (entries.empty()) entries.push_back({deal.stage_id, deal.created_at, 0});
    if (min_dwell_seconds <= 0) return entries;
    std::vector<StageEntry> kept;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i + 1 < entries.size()) {
            const auto entered = seconds_of(entries[i].entered_at);
            const auto left = seconds_of(entries[i + 1].entered_at);
            if (entered && left && *left - *entered < min_dwell_seconds) continue;
        }
        kept.push_back(entries[i]);
    }
    return kept;
}

bool in_range(const Timestamp& moment, std::optional<Date> from, std::optional<Date> to) {
    const auto day = date_of(moment);
    if (!day) return false;
    return (!from || *day >= *from) && (!to || *day <= *to);
}

}  // namespace

Report performance_report(Store& store, const ReportScope& scope, Date from, Date to,
                          DealField group, Date today) {
    if (to < from) throw invalid_input("the end comes before the start");
    const bool grouped = group != DealField::none;
    const auto rows = store.reports().aggregate_performance(from, to, group, scope);
    const auto open = store.reports().count_live_deals(group, today, scope);
    Report report;
    report.title = fmt::format("Performance {} to {}", format_date(from), format_date(to));
    report.table.columns = currency_columns(scope.in);
    if (grouped) report.table.columns.push_back({"group", "Group"});
    const std::vector<Column> columns = {
        {"won", "Won"},
        {"won_amount", "Won amount"},
        {"lost", "Lost"},
        {"lost_amount", "Lost amount"},
        {"win_rate", "Win rate", Audience::machines},
        {"win_rate_percent", "Win %", Audience::people, Unit::percent},
        {"win_rate_value", "Win rate by value", Audience::machines},
        {"win_rate_value_percent", "Win % (value)", Audience::people, Unit::percent},
        {"avg_won_amount", "Avg won"},
        {"avg_cycle_days", "Avg cycle (days)"},
        {"open", "Live open", Audience::people},
        {"velocity_per_day", "Velocity/day"},
        {"velocity_per_30_days", "Velocity/30 days"},
    };
    report.table.columns.insert(report.table.columns.end(), columns.begin(), columns.end());

    // Per currency, the groups in order (no value last), then a total when grouped.
    std::set<std::string> currencies;
    for (const auto& row : rows)
        currencies.insert(row.currency);
    if (currencies.empty())
        currencies.insert(scope.currency.value_or(std::string(store.default_currency().code())));
    // Then, with --in, every currency's deals converted, group by group.
    std::vector<std::pair<std::string, bool>> sections;
    for (const auto& currency : currencies)
        sections.emplace_back(currency, false);
    if (scope.in) sections.emplace_back(std::string(scope.in->currency().code()), true);
    for (const auto& section : sections) {
        const std::string& currency = section.first;
        const bool converted = section.second;
        std::vector<PerformanceAggregate> in_currency;
        for (const auto& row : rows) {
            if (!converted) {
                if (row.currency == currency) in_currency.push_back(row);
                continue;
            }
            auto same = std::find_if(in_currency.begin(), in_currency.end(),
                                     [&](const auto& r) { return r.group == row.group; });
            if (same == in_currency.end())
                same = in_currency.insert(in_currency.end(),
                                          {currency, row.group, 0, 0, 0, 0, 0, {}, {}});
            same->won += row.won;
            add_to(same->won_amount, row.converted_won.amount, "the converted won amount");
            same->lost += row.lost;
            add_to(same->lost_amount, row.converted_lost.amount, "the converted lost amount");
            same->won_cycle_days += row.won_cycle_days;
        }
        std::sort(in_currency.begin(), in_currency.end(), [](const auto& a, const auto& b) {
            if (!a.group || !b.group) return a.group.has_value() > b.group.has_value();
            return ascii_lower(*a.group) < ascii_lower(*b.group);
        });
        PerformanceAggregate total{currency, std::nullopt, 0, 0, 0, 0, 0, {}, {}};
        for (const auto& row : in_currency) {
            total.won += row.won;
            add_to(total.won_amount, row.won_amount, "the won total");
            total.lost += row.lost;
            add_to(total.lost_amount, row.lost_amount, "the lost total");
            total.won_cycle_days += row.won_cycle_days;
        }
        if (in_currency.empty()) in_currency.push_back(total);
        const int digits = digits_of(currency);
        const auto open_count = [&](const std::optional<std::string>& value, bool all) {
            std::int64_t count = 0;
            for (const auto& row : open)
                if ((converted || row.currency == currency) && (all || row.group == value))
                    count += row.count;
            return count;
        };
        const auto add_row = [&](const PerformanceAggregate& row, bool is_total) {
            const Style style = is_total ? Style::strong : Style::plain;
            const std::int64_t w = row.won, l = row.lost;
            const std::int64_t open_deals = open_count(row.group, is_total || !grouped);
            Row cells;
            add_currency_cells(cells, currency, style, scope.in, converted);
            if (grouped)
                cells.push_back(is_total ? null_cell()
                                         : text_cell(row.group.value_or("(none)"), style));
            const __int128 velocity_denominator = __int128(w + l) * row.won_cycle_days;
            const __int128 velocity_numerator = __int128(open_deals) * row.won_amount * w;
            cells.insert(
                cells.end(),
                {
                    integer_cell(w, style),
                    decimal_cell(row.won_amount, digits, style),
                    integer_cell(l, style),
                    decimal_cell(row.lost_amount, digits, style),
                    ratio_cell(w, w + l, 4, style),
                    ratio_cell(w * 100, w + l, 1, style),
                    ratio_cell(row.won_amount, row.won_amount + row.lost_amount, 4, style),
                    ratio_cell(__int128(row.won_amount) * 100, row.won_amount + row.lost_amount, 1,
                               style),
                    w ? decimal_cell(ratio_units(row.won_amount, w, 0), digits, style)
                      : null_cell(),
                    ratio_cell(row.won_cycle_days, w, 1, style),
                    integer_cell(open_deals, style),
                    velocity_denominator > 0
                        ? decimal_cell(ratio_units(velocity_numerator, velocity_denominator, 0),
                                       digits, style)
                        : null_cell(),
                    velocity_denominator > 0 ? decimal_cell(ratio_units(velocity_numerator * 30,
                                                                        velocity_denominator, 0),
                                                            digits, style)
                                             : null_cell(),
                });
            report.table.rows.push_back(std::move(cells));
        };
        for (const auto& row : in_currency)
            add_row(row, !grouped);
        if (grouped) add_row(total, true);
    }
    report.notes.push_back(
        "Velocity: live open deals (neither overdue nor stale today) × average won amount × "
        "win rate ÷ average sales cycle in days.");
    if (scope.in) {
        const auto notes = conversion_notes(*scope.in);
        report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    }
    return report;
}

Report slipped_report(Store& store, const ReportScope& scope, std::optional<SlipRange> range) {
    // What the report shows of a deal: only that is kept.
    struct Slip {
        std::int64_t id;
        std::string name, stage;
        Date original, close_date;
        std::int64_t pushes;
        Money amount;
    };
    std::vector<Slip> slips;
    const Timestamp period_start = range ? end_of_day(add_days(range->from, -1)) : Timestamp{};
    store.history().for_each_deal(
        scope, {{"close_date", std::nullopt}},
        [&](const Opportunity& deal, const std::vector<DealChange>& changes) {
            if (changes.empty()) return;
            const Date original = *parse_iso_date(changes.front().old_value.value_or(""));
            std::int64_t pushes = 0;
            for (const auto& change : changes)
                if (change.new_value && change.old_value && *change.new_value > *change.old_value)
                    ++pushes;
            const auto keep = [&] {
                slips.push_back({deal.id, deal.name, deal.stage, original, deal.close_date, pushes,
                                 deal.amount});
            };
            if (!range) {
                if (deal.close_date > original) keep();
                return;
            }
            // The close date at the range's start: the old value of the first later change.
            if (deal.created_at > period_start) return;
            Date then = deal.close_date;
            for (const auto& change : changes)
                if (change.changed_at > period_start) {
                    then = *parse_iso_date(change.old_value.value_or(""));
                    break;
                }
            if (then >= range->from && then <= range->to && deal.close_date > range->to) keep();
        });
    std::stable_sort(slips.begin(), slips.end(), [](const Slip& a, const Slip& b) {
        return days_between(a.original, a.close_date) > days_between(b.original, b.close_date);
    });
    Report report;
    report.title = range ? fmt::format("Slipped out of {} to {}", format_date(range->from),
                                       format_date(range->to))
                         : std::string("Slipped deals");
    report.table.columns = {{"id", "ID"},
                            {"name", "Name"},
                            {"stage", "Stage", Audience::people},
                            {"original_close_date", "First close"},
                            {"close_date", "Close now"},
                            {"days_slipped", "Days slipped"},
                            {"pushes", "Pushes"},
                            {"amount", "Amount"},
                            {"currency", "Cur"}};
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> totals;  // count, amount
    for (const auto& slip : slips) {
        const std::string currency(slip.amount.currency.code());
        report.table.rows.push_back(
            {integer_cell(slip.id), text_cell(slip.name), text_cell(slip.stage),
             text_cell(format_date(slip.original)), text_cell(format_date(slip.close_date)),
             integer_cell(days_between(slip.original, slip.close_date)), integer_cell(slip.pushes),
             decimal_cell(slip.amount.minor, slip.amount.currency.digits()), text_cell(currency)});
        auto& total = totals[currency];
        total.first += 1;
        add_to(total.second, slip.amount.minor, "the total of slipped deals");
    }
    std::vector<std::string> parts;
    for (const auto& [currency, total] : totals)
        parts.push_back(fmt::format(
            "{} deal{} for {} {}", total.first, total.first == 1 ? "" : "s",
            format_units(total.second, digits_of(currency), Grouping::thousands), currency));
    report.notes.push_back(parts.empty() ? "No deal slipped."
                                         : "Slipped: " + join(parts, "; ") + ".");
    return report;
}

Report stale_report(Store& store, const ReportScope& scope, Date today, std::optional<int> days) {
    const auto stages = store.stages().all();
    Report report;
    report.title = fmt::format("Stale deals on {}", format_date(today));
    report.table.columns = {{"id", "ID"},
                            {"name", "Name"},
                            {"stage", "Stage"},
                            {"days_idle", "Days idle"},
                            {"last_touched", "Last touched", Audience::people},
                            {"amount", "Amount"},
                            {"currency", "Cur"},
                            {"owner", "Owner", Audience::people},
                            {"next_step", "Next step"}};
    store.reports().for_each_open_deal_by_last_touch(
        scope, [&](const Opportunity& deal, const Timestamp& touched) {
            const auto last = date_of(touched);
            if (!last) return;
            const std::int64_t idle = days_between(*last, today);
            const Stage* stage = stage_with_id(stages, deal.stage_id);
            const int threshold = days.value_or(stage ? stage->stale_days : 30);
            if (idle < threshold) return;
            report.table.rows.push_back(
                {integer_cell(deal.id), text_cell(deal.name), text_cell(deal.stage),
                 integer_cell(idle, Style::warn), text_cell(format_date(*last)),
                 decimal_cell(deal.amount.minor, deal.amount.currency.digits()),
                 text_cell(std::string(deal.amount.currency.code())),
                 optional_text_cell(deal.owner), optional_text_cell(deal.next_step)});
        });
    report.notes.push_back(
        days ? fmt::format("Stale: no change and no activity for {} days or more.", *days)
             : std::string("Stale: no change and no activity for as many days as the deal's "
                           "stage allows (stage set --stale-days)."));
    return report;
}

namespace {

// What happened to one deal, for conversion and calibration.
struct DealPath {
    std::vector<StageEntry> entries;
    StageState state;
    // The probability scored: `lead_days` before it closed, or just before it closed.
    std::optional<int> closing_probability;
};

// The probability a closed deal had at the end of `lead_days` before the day it closed; nothing
// when it did not exist yet. A probability replaced within `min_dwell_seconds` never counted.
std::optional<int> probability_before_close(const Opportunity& deal,
                                            const std::vector<DealChange>& changes, int lead_days,
                                            std::int64_t min_dwell_seconds) {
    const Timestamp moment = end_of_day(add_days(*deal.closed_at, -lead_days));
    if (deal.created_at > moment) return std::nullopt;
    std::vector<const DealChange*> probabilities;
    for (const auto& change : changes)
        if (change.field == "probability") probabilities.push_back(&change);
    if (probabilities.empty()) return deal.probability;
    std::optional<int> probability;
    if (probabilities.front()->old_value)
        probability = std::stoi(*probabilities.front()->old_value);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const DealChange& change = *probabilities[i];
        if (change.changed_at > moment) break;
        if (i + 1 < probabilities.size()) {
            const auto set = seconds_of(change.changed_at);
            const auto replaced = seconds_of(probabilities[i + 1]->changed_at);
            if (set && replaced && *replaced - *set < min_dwell_seconds) continue;
        }
        if (change.new_value) probability = std::stoi(*change.new_value);
    }
    return probability.value_or(deal.probability);
}

DealPath path_of(const Opportunity& deal, const std::vector<DealChange>& changes,
                 std::int64_t min_dwell_seconds, int lead_days) {
    DealPath path{stage_entries(deal, changes, min_dwell_seconds), deal.state, std::nullopt};
    if (deal.is_open()) return path;
    if (lead_days > 0 && deal.closed_at) {
        path.closing_probability =
            probability_before_close(deal, changes, lead_days, min_dwell_seconds);
        return path;
    }
    // The probability before the last stage change, which closed the deal.
    std::optional<std::int64_t> closing_change;
    for (const auto& change : changes)
        if (change.field == "stage") closing_change = change.id;
    if (!closing_change) return path;
    std::optional<int> probability;
    for (const auto& change : changes) {
        if (change.field != "probability") continue;
        if (!probability && change.old_value) probability = std::stoi(*change.old_value);
        if (change.id > *closing_change) break;
        if (change.new_value) probability = std::stoi(*change.new_value);
    }
    path.closing_probability = probability.value_or(deal.probability);
    return path;
}

std::int64_t median_tenths(std::vector<std::int64_t> days) {
    std::sort(days.begin(), days.end());
    const std::size_t n = days.size();
    if (n % 2) return days[n / 2] * 10;
    return (days[n / 2 - 1] + days[n / 2]) * 5;
}

}  // namespace

Report conversion_report(Store& store, const ReportScope& scope, std::optional<Date> from,
                         std::optional<Date> to, std::int64_t min_dwell_seconds, int lead_days) {
    if (from && to && *to < *from) throw invalid_input("the end comes before the start");
    const auto stages = store.stages().all();
    // Each deal counts once per stage it entered in the range (its first entry there).
    struct Figures {
        std::int64_t entered = 0, moved_on = 0, won = 0, lost = 0;
        std::vector<std::int64_t> days;
    };
    std::map<std::int64_t, Figures> by_stage;
    Figures all;
    std::int64_t brier_sum = 0, brier_count = 0;
    std::vector<std::int64_t> counted;
    store.history().for_each_deal(
        // The probabilities matter only for the closing probability of closed deals.
        scope, {{"stage", std::nullopt}, {"probability", std::nullopt, true}},
        [&](const Opportunity& deal, const std::vector<DealChange>& changes) {
            const DealPath path = path_of(deal, changes, min_dwell_seconds, lead_days);
            counted.clear();
            for (std::size_t i = 0; i < path.entries.size(); ++i) {
                const auto& entry = path.entries[i];
                if (!in_range(entry.entered_at, from, to)) continue;
                if (std::find(counted.begin(), counted.end(), entry.stage_id) != counted.end())
                    continue;  // entered again
                counted.push_back(entry.stage_id);
                auto& figures = by_stage[entry.stage_id];
                ++figures.entered;
                const Stage* stage = stage_with_id(stages, entry.stage_id);
                if (i + 1 < path.entries.size()) {
                    const auto& next = path.entries[i + 1];
                    figures.days.push_back(days_from(entry.entered_at, next.entered_at));
                    const Stage* next_stage = stage_with_id(stages, next.stage_id);
                    if (stage && next_stage && next_stage->is_open() &&
                        next_stage->position > stage->position)
                        ++figures.moved_on;
                }
                figures.won += path.state == StageState::won;
                figures.lost += path.state == StageState::lost;
            }
            if (!counted.empty()) {
                ++all.entered;
                all.won += path.state == StageState::won;
                all.lost += path.state == StageState::lost;
            }
            if (path.closing_probability && deal.closed_at && (!from || *deal.closed_at >= *from) &&
                (!to || *deal.closed_at <= *to)) {
                const std::int64_t outcome = deal.state == StageState::won ? 100 : 0;
                const std::int64_t error = *path.closing_probability - outcome;
                brier_sum += error * error;
                ++brier_count;
            }
        });
    Report report;
    report.title = "Stage conversion";
    report.table.columns = {{"stage", "Stage"},
                            {"entered", "Entered"},
                            {"moved_on", "Moved on"},
                            {"won", "Won"},
                            {"lost", "Lost"},
                            {"median_days", "Median days"},
                            {"observed_win_rate", "Observed", Audience::machines},
                            {"observed_percent", "Won %", Audience::people, Unit::percent},
                            {"probability", "Configured", Audience::everyone, Unit::percent},
                            {"brier_score", "Brier score"}};
    const auto add_row = [&](const std::string& name, const Figures& figures,
                             std::optional<int> probability, bool total) {
        const Style style = total ? Style::strong : Style::plain;
        const std::int64_t w = figures.won, l = figures.lost;
        report.table.rows.push_back({
            text_cell(name, style),
            integer_cell(figures.entered, style),
            total ? null_cell() : integer_cell(figures.moved_on, style),
            integer_cell(w, style),
            integer_cell(l, style),
            figures.days.empty() ? null_cell()
                                 : decimal_cell(median_tenths(figures.days), 1, style),
            ratio_cell(w, w + l, 4, style),
            ratio_cell(w * 100, w + l, 1, style),
            probability ? integer_cell(*probability, style) : null_cell(),
            total && brier_count ? decimal_cell(ratio_units(brier_sum, brier_count, 0), 4, style)
                                 : null_cell(),
        });
    };
    for (const auto& stage : stages)
        add_row(stage.name, by_stage[stage.id], stage.probability, false);
    add_row("total", all, std::nullopt, true);
    report.notes.push_back(fmt::format(
        "Observed: the share of the closed deals that entered a stage that were won. Brier "
        "score: the mean of (probability {} - outcome)^2 over deals closed in the range; 0 is "
        "perfect, 0.25 is no better than 50 % for every deal.",
        lead_days > 0 ? fmt::format("{} days before closing", lead_days)
                      : std::string("when closing")));
    return report;
}

std::vector<Calibration> calibrate_stages(Store& store, const CalibrationQuery& query) {
    if (query.from && query.to && *query.to < *query.from)
        throw invalid_input("the end comes before the start");
    const auto stages = store.stages().all();
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> closed;  // won, lost
    std::vector<std::int64_t> counted;
    store.history().for_each_deal(
        {}, {{"stage", std::nullopt}},
        [&](const Opportunity& deal, const std::vector<DealChange>& changes) {
            if (deal.is_open() || !deal.closed_at) return;
            if ((query.from && *deal.closed_at < *query.from) ||
                (query.to && *deal.closed_at > *query.to))
                return;
            counted.clear();
            for (const auto& entry : stage_entries(deal, changes, query.min_dwell_seconds)) {
                if (std::find(counted.begin(), counted.end(), entry.stage_id) != counted.end())
                    continue;
                counted.push_back(entry.stage_id);
                auto& [won, lost] = closed[entry.stage_id];
                ++(deal.state == StageState::won ? won : lost);
            }
        });
    std::vector<Calibration> calibrations;
    for (const auto& stage : stages) {
        if (!stage.is_open()) continue;
        const auto [w, lost] = closed[stage.id];
        const std::int64_t n = w + lost;
        int proposed = stage.probability;
        if (n >= query.min_deals)
            proposed = int(ratio_units(100 * w + calibration_prior_weight * stage.probability,
                                       n + calibration_prior_weight, 0));
        calibrations.push_back({stage, n, w, proposed});
    }
    return calibrations;
}

Table calibration_table(const std::vector<Calibration>& calibrations) {
    Table table{{{"stage", "Stage"},
                 {"closed", "Closed deals"},
                 {"won", "Won"},
                 {"observed_win_rate", "Observed", Audience::machines},
                 {"observed_percent", "Won %", Audience::people, Unit::percent},
                 {"interval_low", "90% from", Audience::machines},
                 {"interval_high", "90% to", Audience::machines},
                 {"interval_low_percent", "90% from", Audience::people, Unit::percent},
                 {"interval_high_percent", "90% to", Audience::people, Unit::percent},
                 {"probability", "Now", Audience::everyone, Unit::percent},
                 {"proposed", "Proposed", Audience::everyone, Unit::percent}},
                {}};
    for (const auto& c : calibrations) {
        const Style style = c.proposed != c.stage.probability ? Style::strong : Style::dim;
        Row row{text_cell(c.stage.name), integer_cell(c.closed), integer_cell(c.won),
                ratio_cell(c.won, c.closed, 4), ratio_cell(c.won * 100, c.closed, 1)};
        if (c.closed > 0) {
            // Wilson's interval at 90 % (z = 1.645), in ten-thousandths.
            const double n = double(c.closed), p = double(c.won) / n, z = 1.645;
            const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            const double half =
                z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
            const auto units = [](double value) {
                return std::int64_t(std::llround(std::clamp(value, 0.0, 1.0) * 10000));
            };
            const std::int64_t low = units(centre - half), high = units(centre + half);
            row.insert(row.end(),
                       {decimal_cell(low, 4), decimal_cell(high, 4),
                        decimal_cell((low + 5) / 10, 1), decimal_cell((high + 5) / 10, 1)});
        } else {
            row.insert(row.end(), 4, null_cell());
        }
        row.insert(row.end(), {integer_cell(c.stage.probability), integer_cell(c.proposed, style)});
        table.rows.push_back(std::move(row));
    }
    return table;
}

}  // namespace funnel
