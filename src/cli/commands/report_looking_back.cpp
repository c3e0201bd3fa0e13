// The reports that look back over a range: performance, slipped, stale and conversion.
#include "commands/report.hpp"

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/reports/analytics.hpp"

namespace funnel::cli::report {

namespace {

std::optional<Date> optional_date(std::string_view option, const OptText& value, Date today) {
    if (!value) return std::nullopt;
    return parse_date_option(option, *value, today);
}

}  // namespace

void print_report(const Session& session, const Report& report) {
    if (session.quiet()) return;
    render_report(session.format(), session.out(), session.render_options(), report);
}

void run_performance(const PerformanceOptions& options, Session& session) {
    // By default the last twelve months, today included.
    const Date to =
        optional_date("--to", options.range.to, session.today()).value_or(session.today());
    const Date from = optional_date("--from", options.range.from, session.today())
                          .value_or(add_days(add_months(to, -12), 1));
    require_range("--from", from, "--to", to);
    DealField field = DealField::none;
    if (options.by) {
        field = parse_option("--by", *options.by, [](const std::string& text) {
            const std::string word = ascii_lower(trim(text));
            if (word == "owner") return DealField::owner;
            if (word == "type") return DealField::type;
            if (word == "source") return DealField::source;
            if (word == "org") return DealField::org;
            throw invalid_input("expected owner, type, source or org");
        });
    }
    Store store = session.read_store();
    ReportScope scope = scope_of(options.scope, store, session.today());
    const auto converter = converter_of(options.scope.in, store, session.today());
    scope.in = converter.get();
    print_report(session, performance_report(store, scope, from, to, field, session.today()));
}

void run_slipped(const SlippedOptions& options, Session& session) {
    std::optional<SlipRange> range;
    if (options.range.from || options.range.to) {
        // One end given: the other is the quarter's.
        const Date from = optional_date("--from", options.range.from, session.today())
                              .value_or(start_of_quarter(session.today()));
        const Date to =
            optional_date("--to", options.range.to, session.today()).value_or(end_of_quarter(from));
        require_range("--from", from, "--to", to);
        range = SlipRange{from, to};
    }
    Store store = session.read_store();
    print_report(session,
                 slipped_report(store, scope_of(options.scope, store, session.today()), range));
}

void run_stale(const StaleOptions& options, Session& session) {
    std::optional<int> days;
    if (options.days) days = int(parse_count_option("--days", *options.days));
    Store store = session.read_store();
    print_report(session, stale_report(store, scope_of(options.scope, store, session.today()),
                                       session.today(), days));
}

void run_conversion(const ConversionOptions& options, Session& session) {
    const auto from = optional_date("--from", options.range.from, session.today());
    const auto to = optional_date("--to", options.range.to, session.today());
    if (from && to) require_range("--from", *from, "--to", *to);
    const std::int64_t dwell = options.min_dwell
                                   ? parse_dwell_option("--min-dwell", *options.min_dwell)
                                   : default_min_dwell_seconds;
    int lead = default_lead_days;
    if (options.lead)
        lead = parse_option("--lead", *options.lead, [](const std::string& text) {
            // 7d, 2w, 7 (days), or 0: just before closing.
            std::string digits(trim(text));
            int per = 1;
            if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'w')) {
                per = digits.back() == 'w' ? 7 : 1;
                digits.pop_back();
            }
            if (digits.empty() || digits.size() > 3 ||
                digits.find_first_not_of("0123456789") != std::string::npos)
                throw invalid_input("expected days before the close: 7d, 2w, or 0");
            return std::stoi(digits) * per;
        });
    Store store = session.read_store();
    print_report(session, conversion_report(store, scope_of(options.scope, store, session.today()),
                                            from, to, dwell, lead));
}

}  // namespace funnel::cli::report
