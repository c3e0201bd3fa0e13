#include "commands/report.hpp"

#include <ostream>
#include <tuple>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/reports/analytics.hpp"
#include "funnel/reports/as_of.hpp"
#include "funnel/reports/attainment.hpp"
#include "funnel/reports/backtest.hpp"
#include "funnel/reports/converted.hpp"
#include "funnel/reports/forecast.hpp"
#include "funnel/reports/pipeline.hpp"

namespace funnel::cli::report {

namespace {

bool is_address(const std::string& value) {
    return value.find('@') != std::string::npos;
}

// Splits --from/--to values into the period (at most one) and the addresses.
struct Split {
    OptText period;
    std::vector<std::string> addresses;
};

Split split(std::string_view option, const std::vector<std::string>& values, bool periods_allowed) {
    Split result;
    for (const auto& value : values) {
        if (is_address(value)) {
            result.addresses.push_back(value);
        } else if (!periods_allowed) {
            throw invalid_input(
                fmt::format("invalid {} {}: expected an address like name@example.com", option,
                            in_quotes(value)));
        } else if (result.period) {
            throw invalid_input(fmt::format("{} takes one period; got {} and {}", option,
                                            in_quotes(*result.period), in_quotes(value)));
        } else {
            result.period = value;
        }
    }
    return result;
}

// --trials and --seed of a simulation, checked.
SimulationSettings simulation_settings(const OptText& trials, const OptText& seed) {
    SimulationSettings settings;
    if (trials) settings.trials = parse_count_option("--trials", *trials);
    if (settings.trials > max_trials)
        throw invalid_input(fmt::format("invalid --trials {}: at most {}", in_quotes(*trials),
                                        format_units(max_trials, 0, Grouping::thousands)));
    if (seed)
        settings.seed =
            static_cast<std::uint64_t>(parse_option("--seed", *seed, [](const std::string& text) {
                std::string_view digits = trim(text);
                if (digits.empty() || digits.size() > 18 ||
                    digits.find_first_not_of("0123456789") != std::string_view::npos)
                    throw invalid_input("expected a whole number");
                return std::stoll(std::string(digits));
            }));
    return settings;
}

// --method and --window of a forecast or a backtest, checked.
std::pair<ForecastMethod, int> method_settings(const OptText& method, const OptText& window) {
    std::pair<ForecastMethod, int> settings{ForecastMethod::recorded, default_window};
    if (method) settings.first = parse_option("--method", *method, parse_forecast_method);
    if (window) {
        const auto periods = parse_count_option("--window", *window);
        if (periods > max_window)
            throw invalid_input(fmt::format("invalid --window {}: at most {} periods",
                                            in_quotes(*window), max_window));
        settings.second = int(periods);
    }
    return settings;
}

// What the forecast column is, by method.
std::string forecast_note(const ForecastQuery& query) {
    switch (query.method) {
        case ForecastMethod::learned:
            return fmt::format(
                "Forecast (learned): won so far, plus each open deal's amount at the rate its "
                "stage has been won within a period, learned from up to {} periods before this "
                "one, "
                "plus the new business of the last {} (docs/reports.md).",
                learned_depth, query.window);
        case ForecastMethod::run_rate:
            return fmt::format(
                "Forecast (run-rate): the mean amount won per period over the last {} (this "
                "period: at least what was won so far).",
                query.window);
        case ForecastMethod::recorded:
            break;
    }
    return "Forecast (recorded): won plus weighted.";
}

std::vector<Chart> forecast_charts(const Forecast& forecast, const std::vector<Period>& periods) {
    std::vector<Chart> charts;
    for (const auto& row : forecast.rows) {
        if (row.total) continue;
        const std::string title = (row.converted ? "in " : "") + row.currency + " by period";
        if (charts.empty() || charts.back().title != title) {
            Chart chart;
            chart.title = title;
            chart.digits =
                Currency::find(row.currency) ? Currency::find(row.currency)->digits() : 2;
            for (const auto& period : periods)
                chart.labels.push_back(period.label());
            chart.series = {{"Pipeline", "#9ec5fe", std::vector<std::int64_t>(periods.size())},
                            {"Weighted", "#0969da", std::vector<std::int64_t>(periods.size())},
                            {"Won", "#1a7f37", std::vector<std::int64_t>(periods.size())}};
            charts.push_back(std::move(chart));
        }
        auto& series = charts.back().series;
        const auto bucket = std::size_t(row.bucket);
        add_to(series[0].values[bucket], row.figures.pipeline);
        add_to(series[1].values[bucket], row.figures.weighted);
        add_to(series[2].values[bucket], row.figures.won_amount);
    }
    return charts;
}

}  // namespace

ReportScope scope_of(const ScopeOptions& options, Store& store, Date today, bool looking_back) {
    ReportScope scope;
    if (options.where && looking_back)
        throw invalid_input(
            "--where selects deals as they are now: it does not go with --as-of or --compare "
            "(--owner and --type do)");
    if (options.where)
        scope.where = parse_filter(*options.where, today, store.fields().all(FieldRecord::opp));
    if (options.owner) scope.owner = text_option("--owner", *options.owner, TextKind::line);
    if (options.type) scope.type = parse_option("--type", *options.type, parse_deal_type);
    if (options.currency)
        scope.currency = std::string(parse_currency_option("--currency", *options.currency).code());
    return scope;
}

std::unique_ptr<AmountConverter> converter_of(const OptText& in, Store& store, Date open_day) {
    std::optional<Currency> currency = store.report_currency();
    if (in)
        currency = ascii_lower(trim(*in)) == "none"
                       ? std::nullopt
                       : std::optional(parse_currency_option("--in", *in));
    if (!currency) return nullptr;
    return store.converter(*currency, open_day);
}

void run_forecast(const ForecastOptions& options, Session& session) {
    const Granularity by = parse_option("--by", options.by, parse_granularity);
    const Split from = split("--from", options.from, true);
    const Split to = split("--to", options.to, true);
    ForecastQuery query;
    query.today = session.today();
    if (options.as_of && options.compare)
        throw invalid_input("give --as-of or --compare, not both");
    // As of a past day, that day is "today": periods, overdue deals and all.
    if (options.as_of) {
        query.today = parse_date_option("--as-of", *options.as_of, session.today());
        if (query.today > session.today())
            throw invalid_input(fmt::format("invalid --as-of {}: that is after today ({})",
                                            in_quotes(*options.as_of),
                                            format_date(session.today())));
    }
    if (options.group) query.group = parse_option("--group", *options.group, parse_forecast_group);
    // With --mime, a value that is neither a period nor an address may have been meant as either.
    const auto days = [&](const std::string& text) {
        try {
            return parse_period_argument(text, session.today());
        } catch (const Error& e) {
            if (!options.mail.mime) throw;
            throw invalid_input(std::string(e.what()) + ", or an address like name@example.com");
        }
    };
    // By default the forecast starts in the month of "today", which --as-of moves back.
    const Date first = from.period ? parse_option("--from", *from.period, days).first : query.today;
    Date last;
    if (to.period) {
        last = parse_option("--to", *to.period, days).last;
    } else {
        Period period = period_containing(first, by);
        for (int i = 1; i < 6; ++i)
            period = next_period(period);
        last = period.last;
    }
    query.periods =
        parse_option("--to", to.period.value_or(format_date(last)),
                     [&](const std::string&) { return periods_between(first, last, by); });
    if (options.simulate) {
        query.simulation = simulation_settings(options.trials, options.seed);
    } else if (options.trials || options.seed) {
        throw invalid_input("--trials and --seed go with --simulate");
    }

    Store store = session.read_store();
    query.scope = scope_of(options.scope, store, session.today(), options.as_of || options.compare);
    ResultCache cache = session.result_cache(store);
    query.cache = &cache;
    if (options.compare) {
        if (options.simulate) throw invalid_input("--simulate does not go with --compare");
        if (options.scope.in) throw invalid_input("--in does not go with --compare");
        const Date since = parse_date_option("--compare", *options.compare, session.today());
        Report report;
        report.title = fmt::format("Changes since {}", format_date(since));
        report.table = forecast_changes(store, query, since);
        report.notes.push_back(fmt::format(
            "Open pipeline at the end of {} (then) and now, and the changes between: then + new "
            "+ won + lost + reopened + pushed out + pulled in + increased + decreased = now.",
            format_date(since)));
        deliver(session, report, options.mail, to.addresses, from.addresses);
        return;
    }
    std::tie(query.method, query.window) = method_settings(options.method, options.window);
    if (options.window && options.method && query.method == ForecastMethod::recorded)
        throw invalid_input("--window goes with --method learned or run-rate");
    query.method_by_default = !options.method;
    const auto converter = converter_of(options.scope.in, store, query.today);
    query.scope.in = converter.get();
    const MethodChoice choice = choose_method(store, query);
    ForecastQuery made = query;  // the recorded simulation serves the recorded method only
    if (choice.query.method != ForecastMethod::recorded) made.simulation.reset();
    Forecast forecast = options.as_of ? forecast_as_of(store, made) : compute_forecast(store, made);
    apply_method(store, choice, forecast);
    add_quotas(store, query, forecast);
    query.method = forecast.method;  // as chosen
    Report report;
    report.title = fmt::format("Forecast {} to {}", query.periods.front().label(),
                               query.periods.back().label());
    report.table = forecast_table(forecast, converter.get());
    report.charts = forecast_charts(forecast, query.periods);
    if (const auto current = current_period(query))
        report.notes.push_back(fmt::format(
            "Open deals whose close date has passed count in {} and in the overdue column.",
            query.periods[*current].label()));
    report.notes.push_back(forecast_note(query));
    report.notes.insert(report.notes.end(), forecast.notes.begin(), forecast.notes.end());
    if (converter) {
        const auto notes = conversion_notes(*converter);
        report.notes.insert(report.notes.end(), notes.begin(), notes.end());
        if (forecast.method != ForecastMethod::recorded)
            report.notes.push_back(fmt::format(
                "The {} forecast in {}: each currency's beyond what was won, at the rates of {}, "
                "plus what was won; no range.",
                to_string(forecast.method), converter->currency().code(),
                format_date(converter->open_day())));
    }
    if (query.simulation && forecast.method == ForecastMethod::recorded)
        report.notes.push_back(fmt::format(
            "P10, P50 and P90: the revenue of the open deals in {} simulated trials (seed {}), "
            "each deal won with its probability, independently.",
            format_units(query.simulation->trials, 0, Grouping::thousands),
            query.simulation->seed));
    // For people (not scripts): how far off this method has been over the last six periods,
    // for the whole file, so not with --group, --owner or --type, nor as of a past day.
    const Format format = session.format();
    const bool for_people = options.mail.mime || format == Format::table ||
                            format == Format::markdown || format == Format::html;
    if (for_people && !options.as_of && !forecast.grouped && !query.scope.narrowed()) {
        const auto notes = recent_backtest_notes(store, query, forecast.method);
        report.notes.insert(report.notes.end(), notes.begin(), notes.end());
    }
    deliver(session, report, options.mail, to.addresses, from.addresses);
}

void run_pipeline(const PipelineOptions& options, Session& session) {
    const Split from = split("--from", options.from, false);
    const Split to = split("--to", options.to, false);
    const Date day = options.as_of ? parse_date_option("--as-of", *options.as_of, session.today())
                                   : session.today();
    if (day > session.today())
        throw invalid_input(fmt::format("invalid --as-of {}: that is after today ({})",
                                        in_quotes(*options.as_of), format_date(session.today())));
    Store store = session.read_store();
    ReportScope scope = scope_of(options.scope, store, session.today(), options.as_of.has_value());
    const auto converter = converter_of(options.scope.in, store, day);
    scope.in = converter.get();
    Report report;
    report.title = fmt::format("Pipeline on {}", format_date(day));
    report.table = pipeline_table(
        store.stages().all(),
        options.as_of ? open_by_stage_as_of(store, day, scope)
                      : store.reports().aggregate_open_by_stage(day, scope),
        scope.currency.value_or(std::string(store.default_currency().code())), converter.get());
    if (converter) report.notes = conversion_notes(*converter);
    deliver(session, report, options.mail, to.addresses, from.addresses);
}

void run_backtest(const BacktestOptions& options, Session& session) {
    const Granularity by = parse_option("--by", options.by, parse_granularity);
    BacktestQuery query;
    std::tie(query.method, query.window) = method_settings(options.method, options.window);
    query.simulation = simulation_settings(options.trials, options.seed);
    if (!options.trials) query.simulation.trials = backtest_trials;
    // Only periods that are over: the last is the one before today's.
    const Period current = period_containing(session.today(), by);
    const Date latest = add_days(current.first, -1);
    const auto days = [&](const std::string& text) {
        return parse_period_argument(text, session.today());
    };
    const Date last = options.to ? parse_option("--to", *options.to, days).last : latest;
    if (last > latest)
        throw invalid_input(fmt::format(
            "invalid --to {}: a backtest compares periods that are over; the last is {}",
            in_quotes(*options.to), period_containing(latest, by).label()));
    Date first;
    if (options.from) {
        first = parse_option("--from", *options.from, days).first;
    } else {
        // Twelve periods by default, or fewer for years.
        Period period = period_containing(last, by);
        for (int i = 1; i < (by == Granularity::year ? 3 : 12); ++i)
            period = period_containing(add_days(period.first, -1), by);
        first = period.first;
    }
    query.periods =
        parse_option("--from", options.from.value_or(format_date(first)),
                     [&](const std::string&) { return periods_between(first, last, by); });
    Store store = session.read_store();
    ResultCache cache = session.result_cache(store);
    query.cache = &cache;
    Backtest backtest = funnel::run_backtest(store, query);
    const auto converter = converter_of(options.in, store, session.today());
    if (converter) add_converted_section(store, query, *converter, backtest);
    Report report;
    report.title = fmt::format("Backtest {} to {}", query.periods.front().label(),
                               query.periods.back().label());
    report.table = backtest_table(backtest, converter.get());
    report.notes.push_back(fmt::format(
        "Each period's forecast is what the file knew when the period began, by the {} method; "
        "the run rate (the mean won per period over the {} before) is the benchmark. WAPE: the "
        "sum of the errors over the sum won; bias: forecast over won.",
        to_string(query.method), query.window));
    if (query.method == ForecastMethod::recorded)
        report.notes.push_back(fmt::format(
            "Coverage: the share of periods whose amount won fell within P10-P90 of the open "
            "deals' outcomes ({} simulated trials, seed {}).",
            format_units(query.simulation.trials, 0, Grouping::thousands), query.simulation.seed));
    if (query.method == ForecastMethod::learned)
        report.notes.push_back(fmt::format(
            "Learned: each period's rates come from the up to {} periods before it, as known when "
            "it began; a period with fewer than {} such periods or {} deals closed in them has no "
            "learned forecast.",
            learned_depth, min_learned_periods, min_learned_closed));
    if (query.method != ForecastMethod::recorded)
        report.notes.push_back(
            "P10-P90 of learned and run-rate: the forecast times the 10th and 90th percentiles of "
            "actual / forecast of the periods before it, once four of them have a forecast.");
    for (const auto& note : backtest_notes(backtest))
        report.notes.push_back(note);
    if (converter)
        report.notes.push_back(fmt::format(
            "In {}: each period's forecasts converted at the rates in force the day before it "
            "began (rate_day), what was won in it deal by deal at the rate of the day each "
            "closed; no range.",
            converter->currency().code()));
    print_report(session, report);
}

// The command-line definitions.

namespace {

void add_scope_options(Command& command, ScopeOptions& scope) {
    command.option("--owner", scope.owner, "Only this owner's deals").type_name("NAME");
    command.option("--type", scope.type, "Only new or existing business").type_name("new|existing");
    command.option("--currency", scope.currency, "Only this currency").type_name("CUR");
    command
        .option("--where", scope.where,
                "Only the deals this filter selects (docs/filters.md): 'owner = ann and type = "
                "new'")
        .type_name("EXPR");
}

void add_in_option(Command& command, ScopeOptions& scope) {
    command
        .option("--in", scope.in,
                "A section more, every deal converted into this currency (funnel fx); none: "
                "not even the file's report currency")
        .type_name("CUR");
}

}  // namespace

void setup(Command& group) {
    {
        auto options = std::make_shared<ForecastOptions>();
        auto command =
            group.subcommand("forecast", "What will close, and when: by period, per currency");
        command.option("--by", options->by, "month (default), quarter or year").type_name("PERIOD");
        command.repeatable(
            "--from", options->from,
            "First period (2026-11, 2026Q4, FY2027Q1, 2026 or a date; default: this one)",
            "PERIOD");
        command.repeatable("--to", options->to, "Last period (default: six periods in all)",
                           "PERIOD");
        command
            .option("--group", options->group,
                    "Rows per stage, owner, type, org, category or source")
            .type_name("FIELD");
        add_scope_options(command, options->scope);
        add_in_option(command, options->scope);
        command.flag("--simulate", options->simulate,
                     "Add the P10, P50 and P90 of the open deals' revenue, by simulation");
        command.option("--trials", options->trials, "Simulated trials (default 10,000)")
            .type_name("N");
        command.option("--seed", options->seed, "Seed of the simulation (default 1)")
            .type_name("N");
        command
            .option("--method", options->method,
                    "The forecast column: learned (the default once the history holds enough), "
                    "recorded (won + weighted) or run-rate")
            .type_name("METHOD");
        command
            .option("--window", options->window,
                    "Periods the run rate and new business average (default 3)")
            .type_name("N");
        command.option("--as-of", options->as_of, "The forecast as it stood at the end of that day")
            .type_name("DATE");
        command.option("--compare", options->compare, "What changed in the pipeline since that day")
            .type_name("DATE");
        add_mail_options(command, options->mail);
        command.on_run(options, run_forecast);
    }
    {
        auto options = std::make_shared<AttainmentOptions>();
        auto command = group.subcommand(
            "attainment", "Quotas against won and forecast, per owner and for the team");
        command
            .option("--period", options->period,
                    "A month, quarter or year: 2026Q4, FY2027Q3 (default: this quarter)")
            .type_name("PERIOD");
        command
            .option("--in", options->scope.in,
                    "The currency of the report (default: the report currency, else the "
                    "quotas', else the file's); other amounts are converted (funnel fx)")
            .type_name("CUR");
        command.on_run(options, run_attainment);
    }
    {
        auto options = std::make_shared<BacktestOptions>();
        auto command = group.subcommand(
            "backtest", "How wrong the forecast has been: each past period, forecast against won");
        command.option("--method", options->method, "recorded (default), learned or run-rate")
            .type_name("METHOD");
        command.option("--window", options->window, "Periods the run rate averages (default 3)")
            .type_name("N");
        command.option("--from", options->from, "First period (default: eleven before the last)")
            .type_name("PERIOD");
        command.option("--to", options->to, "Last period, one that is over (default: the last)")
            .type_name("PERIOD");
        command.option("--by", options->by, "month (default), quarter or year").type_name("PERIOD");
        command.option("--trials", options->trials, "Simulated trials of P10-P90 (default 1,000)")
            .type_name("N");
        command.option("--seed", options->seed, "Seed of the simulation (default 1)")
            .type_name("N");
        command
            .option("--in", options->in,
                    "A section more, every currency converted into this one (funnel fx)")
            .type_name("CUR");
        command.on_run(options, run_backtest);
    }
    {
        auto options = std::make_shared<PipelineOptions>();
        auto command =
            group.subcommand("pipeline", "Open deals by stage: count, amount, weighted, age");
        add_scope_options(command, options->scope);
        add_in_option(command, options->scope);
        command.option("--as-of", options->as_of, "The pipeline as it stood at the end of that day")
            .type_name("DATE");
        // The old spelling of --mail-to and --mail-from, for this release.
        command.repeatable("--to", options->to, "Old spelling of --mail-to", "ADDRESS");
        command.repeatable("--from", options->from, "Old spelling of --mail-from", "ADDRESS");
        add_mail_options(command, options->mail);
        command.on_run(options, run_pipeline);
    }
    const auto add_range = [](Command& command, RangeOptions& range, const char* what) {
        command.option("--from", range.from, std::string("First day of the range") + what)
            .type_name("DATE");
        command.option("--to", range.to, "Last day of the range").type_name("DATE");
    };
    {
        auto options = std::make_shared<PerformanceOptions>();
        auto command = group.subcommand("performance",
                                        "Won and lost, win rates, deal size, cycle and velocity");
        add_range(command, options->range, " of the close dates (default: a year ago)");
        command.option("--by", options->by, "Rows per owner, type, source or org")
            .type_name("FIELD");
        add_scope_options(command, options->scope);
        add_in_option(command, options->scope);
        command.on_run(options, run_performance);
    }
    {
        auto options = std::make_shared<SlippedOptions>();
        auto command = group.subcommand("slipped", "Deals whose close date moved later");
        add_range(command, options->range, ": deals that slipped out of it");
        add_scope_options(command, options->scope);
        command.on_run(options, run_slipped);
    }
    {
        auto options = std::make_shared<StaleOptions>();
        auto command = group.subcommand("stale", "Open deals without a change for too long");
        command.option("--days", options->days, "Idle days (default: each stage's --stale-days)")
            .type_name("N");
        add_scope_options(command, options->scope);
        command.on_run(options, run_stale);
    }
    {
        auto options = std::make_shared<ConversionOptions>();
        auto command = group.subcommand(
            "conversion", "Per stage: entered, moved on, won, lost, days, observed win rate");
        add_range(command, options->range, " of stage entries");
        command
            .option("--min-dwell", options->min_dwell,
                    "Count a stage only when a deal stayed in it this long (default 1h; 0: always)")
            .type_name("DURATION");
        command
            .option("--lead", options->lead,
                    "Score the probability this long before the close: 7d (default), 2w, 0")
            .type_name("DAYS");
        add_scope_options(command, options->scope);
        command.on_run(options, run_conversion);
    }
}

}  // namespace funnel::cli::report
