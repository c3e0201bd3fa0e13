#include "report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/forecast.hpp"
#include "funnel/mail.hpp"
#include "funnel/pipeline.hpp"
#include "funnel/render.hpp"

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

ReportScope scope_of(const ScopeOptions& options) {
    ReportScope scope;
    if (options.owner) scope.owner = text_option("--owner", *options.owner, TextKind::line);
    if (options.type) scope.type = parse_option("--type", *options.type, parse_deal_type);
    if (options.currency)
        scope.currency = std::string(parse_currency_option("--currency", *options.currency).code());
    return scope;
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "localhost";
    return name;
}

// Prints the report: as mail with --mime (a text and an html version), else in the format asked.
void deliver(const Session& session, const Report& report, const MailOptions& mail,
             const std::vector<std::string>& to, const std::vector<std::string>& from) {
    if (!mail.mime) {
        if (!to.empty() || !from.empty())
            throw invalid_input(
                fmt::format("{} is an address: give --mime to send the report as mail",
                            in_quotes(!to.empty() ? to.front() : from.front())));
        render_report(session.format(), session.out(), session.render_options(), report);
        return;
    }
    if (to.empty()) throw invalid_input("--mime needs --to ADDRESS");
    MailMessage message;
    message.to = join(to, ", ");
    const char* user = std::getenv("USER");
    message.from =
        !from.empty() ? join(from, ", ")
                      : fmt::format("funnel <{}@{}>", user && *user ? user : "funnel", host_name());
    parse_option("--to", message.to, [](const std::string& text) {
        validate_address_list(text);
        return 0;
    });
    parse_option("--from", message.from, [](const std::string& text) {
        validate_address_list(text);
        return 0;
    });
    message.subject =
        mail.subject ? text_option("--subject", *mail.subject, TextKind::line) : report.title;
    const auto now = std::time(nullptr);
    message.date = rfc5322_date(now);
    message.message_id = fmt::format("{}.{}.funnel@{}", now, ::getpid(), host_name());
    RenderOptions text_options;
    text_options.unicode = true;  // the part says charset=utf-8
    std::ostringstream text, html;
    render_report(Format::table, text, text_options, report);
    render_report(Format::html, html, text_options, report);
    message.text = text.str();
    message.html = html.str();
    session.out() << mime_message(message);
}

std::vector<Chart> forecast_charts(const Forecast& forecast, const std::vector<Period>& periods) {
    std::vector<Chart> charts;
    for (const auto& row : forecast.rows) {
        if (row.total) continue;
        if (charts.empty() || charts.back().title.substr(0, 3) != row.currency) {
            Chart chart;
            chart.title = row.currency + " by period";
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
        series[0].values[bucket] += row.figures.pipeline;
        series[1].values[bucket] += row.figures.weighted();
        series[2].values[bucket] += row.figures.won_amount;
    }
    return charts;
}

}  // namespace

void run_forecast(const ForecastOptions& options, Session& session) {
    const Granularity by = parse_option("--by", options.by, parse_granularity);
    const Split from = split("--from", options.from, true);
    const Split to = split("--to", options.to, true);
    ForecastQuery query;
    query.today = session.today();
    query.scope = scope_of(options.scope);
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
    const Date first =
        from.period ? parse_option("--from", *from.period, days).first : session.today();
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
        SimulationSettings settings;
        if (options.trials) settings.trials = parse_count_option("--trials", *options.trials);
        if (settings.trials > max_trials)
            throw invalid_input(fmt::format("invalid --trials {}: at most {}",
                                            in_quotes(*options.trials),
                                            format_units(max_trials, 0, Grouping::thousands)));
        if (options.seed)
            settings.seed = static_cast<std::uint64_t>(
                parse_option("--seed", *options.seed, [](const std::string& text) {
                    std::string_view digits = trim(text);
                    if (digits.empty() || digits.size() > 18 ||
                        digits.find_first_not_of("0123456789") != std::string_view::npos)
                        throw invalid_input("expected a whole number");
                    return std::stoll(std::string(digits));
                }));
        query.simulation = settings;
    } else if (options.trials || options.seed) {
        throw invalid_input("--trials and --seed go with --simulate");
    }

    Store store = session.read_store();
    const Forecast forecast = compute_forecast(store, query);
    Report report;
    report.title = fmt::format("Forecast {} to {}", query.periods.front().label(),
                               query.periods.back().label());
    report.table = forecast_table(forecast);
    report.charts = forecast_charts(forecast, query.periods);
    if (const auto current = current_period(query))
        report.notes.push_back(fmt::format(
            "Open deals whose close date has passed count in {} and in the overdue column.",
            query.periods[*current].label()));
    if (query.simulation)
        report.notes.push_back(fmt::format(
            "P10, P50 and P90: the revenue of the open deals in {} simulated trials (seed {}), "
            "each deal won with its probability, independently.",
            format_units(query.simulation->trials, 0, Grouping::thousands),
            query.simulation->seed));
    deliver(session, report, options.mail, to.addresses, from.addresses);
}

void run_pipeline(const PipelineOptions& options, Session& session) {
    const Split from = split("--from", options.from, false);
    const Split to = split("--to", options.to, false);
    const ReportScope scope = scope_of(options.scope);
    Store store = session.read_store();
    Report report;
    report.title = fmt::format("Pipeline on {}", format_date(session.today()));
    report.table =
        pipeline_table(store.stages(), store.aggregate_open_by_stage(session.today(), scope),
                       scope.currency.value_or(std::string(store.default_currency().code())));
    deliver(session, report, options.mail, to.addresses, from.addresses);
}

}  // namespace funnel::cli::report
