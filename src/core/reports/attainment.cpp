#include "funnel/reports/attainment.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/reports/converted.hpp"
#include "funnel/reports/forecast.hpp"

namespace funnel {

namespace {

struct OwnerLine {
    std::optional<std::string> owner;  // none: the team
    std::optional<std::int64_t> quota;
    std::int64_t won = 0;
    std::int64_t won_amount = 0;
    std::optional<std::int64_t> forecast;
};

}  // namespace

Report attainment_report(Store& store, const Period& period, Date today, const ReportScope& scope) {
    AmountConverter& in = *scope.in;
    const std::string currency(in.currency().code());
    const int digits = in.currency().digits();

    // The recorded forecast of the period by owner, converted (the last section).
    ForecastQuery query;
    query.periods = {period};
    query.today = today;
    query.group = ForecastGroup::owner;
    query.scope = scope;
    Forecast forecast = compute_forecast(store, query);
    apply_method(store, MethodChoice{query, {}, nullptr}, forecast);

    // By owner, case-folded as quotas match them; the team last.
    std::map<std::string, OwnerLine> owners;
    OwnerLine team;
    for (const auto& row : forecast.rows) {
        if (!row.converted || (!row.total && row.bucket != 0)) continue;
        if (row.total && !row.group) {
            team.won = row.figures.won;
            team.won_amount = row.figures.won_amount;
            team.forecast = row.figures.forecast;
            continue;
        }
        if (row.total) continue;
        const std::string name = row.group.value_or("(none)");
        OwnerLine& line = owners[ascii_lower(name)];
        if (!line.owner) line.owner = name;
        line.won = row.figures.won;
        line.won_amount = row.figures.won_amount;
        line.forecast = row.figures.forecast;
    }
    std::optional<std::int64_t> owners_quota;
    for (const auto& quota : store.quotas().list(period)) {
        const std::int64_t amount =
            in.convert(quota.amount.minor, quota.amount.currency.code(), in.open_day());
        if (!quota.owner) {
            team.quota = amount;
            continue;
        }
        if (scope.owner && ascii_lower(*quota.owner) != ascii_lower(*scope.owner)) continue;
        OwnerLine& line = owners[ascii_lower(*quota.owner)];
        line.owner = *quota.owner;
        line.quota = amount;
        if (!line.forecast) line.forecast = 0;
        owners_quota = owners_quota.value_or(0);
        add_to(*owners_quota, amount, "the team's quota");
    }
    if (!team.quota) team.quota = owners_quota;

    Report report;
    report.title = fmt::format("Attainment {}", period.label());
    report.table.columns = {
        {"owner", "Owner"},
        {"team", "Team", Audience::machines},
        {"currency", "Cur"},
        {"quota", "Quota"},
        {"won", "Won"},
        {"won_amount", "Won amount"},
        {"attainment", "Attainment", Audience::machines},
        {"attainment_percent", "Attained", Audience::people, Unit::percent},
        {"forecast", "Forecast"},
        {"forecast_attainment", "Forecast attainment", Audience::machines},
        {"forecast_attainment_percent", "Forecast %", Audience::people, Unit::percent},
        {"gap", "Gap"}};
    const auto add_line = [&](const OwnerLine& line, bool is_team) {
        const Style style = is_team ? Style::strong : Style::plain;
        const auto money = [&](std::optional<std::int64_t> minor) {
            return minor ? decimal_cell(*minor, digits, style) : null_cell();
        };
        const auto share = [&](std::optional<std::int64_t> part, int scale, int decimals) {
            if (!line.quota || *line.quota <= 0 || !part) return null_cell();
            return ratio_cell(__int128(*part) * scale, *line.quota, decimals, style);
        };
        std::optional<std::int64_t> gap;
        if (line.quota && line.forecast) gap = *line.quota - *line.forecast;
        report.table.rows.push_back(
            {is_team ? text_cell("team", style) : text_cell(line.owner.value_or("(none)"), style),
             {Value{is_team}, style},
             text_cell(currency, style),
             money(line.quota),
             integer_cell(line.won, style),
             money(line.won_amount),
             share(line.won_amount, 1, 4),
             share(line.won_amount, 100, 1),
             money(line.forecast),
             share(line.forecast, 1, 4),
             share(line.forecast, 100, 1),
             gap ? decimal_cell(*gap, digits, *gap > 0 ? Style::warn : style) : null_cell()});
    };
    std::vector<const OwnerLine*> lines;
    for (const auto& [key, line] : owners)
        lines.push_back(&line);
    // Owners with a quota first, by name; those without after.
    std::stable_sort(lines.begin(), lines.end(), [](const OwnerLine* a, const OwnerLine* b) {
        return a->quota.has_value() > b->quota.has_value();
    });
    for (const auto* line : lines)
        add_line(*line, false);
    add_line(team, true);
    report.notes.push_back(
        "Attainment: won ÷ quota. Forecast: what was won plus the weighted amount of the open "
        "deals due in the period (overdue ones in the current period), as report forecast "
        "--group owner; gap: quota − forecast, what is still to be found. The team's quota is "
        "its own (quota set --team), else the sum of the owners'.");
    if (in.converted_any()) {
        const auto notes = conversion_notes(in);
        report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    }
    return report;
}

void add_quotas(Store& store, const ForecastQuery& query, Forecast& forecast) {
    if (query.group != ForecastGroup::owner) return;
    // The quotas of each period shown, by owner (case-folded; "" for the team's own).
    std::vector<std::map<std::string, Quota>> by_period(query.periods.size());
    bool any = false;
    for (std::size_t i = 0; i < query.periods.size(); ++i)
        for (auto& quota : store.quotas().list(query.periods[i])) {
            by_period[i][quota.owner ? ascii_lower(*quota.owner) : ""] = quota;
            any = true;
        }
    if (!any) return;
    forecast.with_quotas = true;
    // A quota in a row's currency: as set, or converted on the converted section.
    const auto in_currency = [&](const Quota& quota,
                                 const ForecastRow& row) -> std::optional<std::int64_t> {
        if (row.converted)
            return query.scope.in->convert(quota.amount.minor, quota.amount.currency.code(),
                                           query.scope.in->open_day());
        if (quota.amount.currency.code() != row.currency) return std::nullopt;
        return quota.amount.minor;
    };
    const auto team_quota = [&](std::size_t i,
                                const ForecastRow& row) -> std::optional<std::int64_t> {
        const auto& quotas = by_period[i];
        if (const auto own = quotas.find(""); own != quotas.end())
            return in_currency(own->second, row);
        std::optional<std::int64_t> sum;
        for (const auto& [owner, quota] : quotas)
            if (const auto amount = in_currency(quota, row)) {
                sum = sum.value_or(0);
                add_to(*sum, *amount, "the team's quota");
            }
        return sum;
    };
    const auto add = [](std::optional<std::int64_t>& total, std::optional<std::int64_t> amount) {
        if (!amount) return;
        total = total.value_or(0);
        add_to(*total, *amount, "the quotas");
    };
    for (auto& row : forecast.rows) {
        if (!row.total) {
            if (!row.group) continue;
            const auto& quotas = by_period[std::size_t(row.bucket)];
            if (const auto found = quotas.find(ascii_lower(*row.group)); found != quotas.end())
                row.figures.quota = in_currency(found->second, row);
            continue;
        }
        for (std::size_t i = 0; i < query.periods.size(); ++i) {
            if (!row.group) {
                add(row.figures.quota, team_quota(i, row));
                continue;
            }
            const auto& quotas = by_period[i];
            if (const auto found = quotas.find(ascii_lower(*row.group)); found != quotas.end())
                add(row.figures.quota, in_currency(found->second, row));
        }
    }
}

}  // namespace funnel
