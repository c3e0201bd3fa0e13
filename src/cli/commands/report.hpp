// The "report" commands: what each takes, and the function that runs it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "funnel/formats/render.hpp"

namespace funnel::cli::report {

using OptText = std::optional<std::string>;

// Which deals a report covers.
struct ScopeOptions {
    OptText owner, type, currency, where;
    OptText in;  // --in CUR: a converted section too (not a selection)
};

// A report sent as mail: --mime with --mail-to (and --mail-from) addresses. --to and --from
// with an address, the old spelling, still work for this release, with a note.
struct MailOptions {
    bool mime = false;
    OptText subject;
    std::vector<std::string> to, from;  // --mail-to, --mail-from
};

struct ForecastOptions {
    std::string by = "month";
    // --from and --to take periods, and with --mime also addresses (anything with an '@').
    std::vector<std::string> from, to;
    OptText group;
    ScopeOptions scope;
    bool simulate = false;
    OptText trials, seed;
    OptText as_of, compare;
    OptText method, window;
    MailOptions mail;
};

struct BacktestOptions {
    std::string by = "month";
    OptText method, window, from, to, trials, seed;
    OptText in;  // --in CUR: a converted section
};

struct PipelineOptions {
    ScopeOptions scope;
    OptText as_of;
    std::vector<std::string> from, to;  // addresses, with --mime
    MailOptions mail;
};

// The looking-back reports share a range and mail.
struct RangeOptions {
    OptText from, to;
};

struct PerformanceOptions {
    ScopeOptions scope;
    RangeOptions range;
    OptText by;
};

struct SlippedOptions {
    ScopeOptions scope;
    RangeOptions range;
};

struct StaleOptions {
    ScopeOptions scope;
    OptText days;
};

struct ConversionOptions {
    ScopeOptions scope;
    RangeOptions range;
    OptText min_dwell, lead;
};

// The deals a report keeps to, checked; --where may name the file's custom fields.
// `looking_back`: --as-of or --compare, which show deals as they were; a filter selects them as
// they are now, so it does not go with them.
ReportScope scope_of(const ScopeOptions& options, Store& store, Date today,
                     bool looking_back = false);

// The converter of --in (else the file's report currency; "--in none": none), open deals at the
// rates of `open_day`.
std::unique_ptr<AmountConverter> converter_of(const OptText& in, Store& store, Date open_day);

struct AttainmentOptions {
    OptText period;
    ScopeOptions scope;  // --in only
};

// Prints the report: as mail with --mime (a text and an html version), else in the session's
// format. `old_to` and `old_from`: addresses given with --to and --from, the old spelling.
void deliver(const Session& session, const Report& report, const MailOptions& mail,
             const std::vector<std::string>& old_to, const std::vector<std::string>& old_from);
// --mime, --mail-to, --mail-from and --subject.
void add_mail_options(Command& command, MailOptions& mail);

// Prints a report in the session's format; nothing with -q.
void print_report(const Session& session, const Report& report);

void run_forecast(const ForecastOptions& options, Session& session);
void run_pipeline(const PipelineOptions& options, Session& session);
void run_performance(const PerformanceOptions& options, Session& session);
void run_slipped(const SlippedOptions& options, Session& session);
void run_stale(const StaleOptions& options, Session& session);
void run_conversion(const ConversionOptions& options, Session& session);
void run_backtest(const BacktestOptions& options, Session& session);
void run_attainment(const AttainmentOptions& options, Session& session);

// Defines the report commands.
void setup(Command& group);

}  // namespace funnel::cli::report
