#include <filesystem>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/db.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/views.hpp"

namespace funnel::cli::db {

Record info_record(Store& store) {
    const DataCounts counts = store.counts();
    std::error_code ignored;
    const auto size = store.on_disk() ? std::filesystem::file_size(store.path(), ignored) : 0;
    const auto report_currency = store.report_currency();
    return {{
                {"path", "Data file"},
                {"exists", "Exists"},
                {"size_bytes", "Size (bytes)"},
                {"schema_version", "Schema version"},
                {"default_currency", "Default currency"},
                {"report_currency", "Report currency"},
                {"fiscal_start", "Fiscal year starts"},
                {"opportunities", "Opportunities"},
                {"open", "Open"},
                {"won", "Won"},
                {"lost", "Lost"},
                {"organizations", "Organizations"},
                {"contacts", "Contacts"},
                {"stages", "Stages"},
                {"history", "History entries"},
            },
            {
                text_cell(store.path().string()),
                bool_cell(store.on_disk()),
                integer_cell(static_cast<std::int64_t>(ignored ? 0 : size)),
                integer_cell(store.schema_version()),
                text_cell(std::string(store.default_currency().code())),
                report_currency ? text_cell(std::string(report_currency->code())) : null_cell(),
                integer_cell(store.fiscal_start()),
                integer_cell(counts.opportunities),
                integer_cell(counts.open),
                integer_cell(counts.won),
                integer_cell(counts.lost),
                integer_cell(counts.organizations),
                integer_cell(counts.contacts),
                integer_cell(counts.stages),
                integer_cell(counts.history),
            },
            {}};
}

constexpr std::string_view month_names[] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};

void run_info(const InfoOptions& options, Session& session) {
    if (options.set_currency) {
        const Currency currency = parse_currency_option("--set-currency", *options.set_currency);
        session.write([&](Store& store) {
            store.set_default_currency(currency);
            return 0;
        });
        session.note(fmt::format("default currency is now {}", currency.code()));
    }
    if (options.set_report_currency) {
        const bool none = ascii_lower(trim(*options.set_report_currency)) == "none";
        const std::optional<Currency> currency =
            none ? std::nullopt
                 : std::optional(parse_currency_option("--set-report-currency",
                                                       *options.set_report_currency));
        session.write([&](Store& store) {
            store.set_report_currency(currency);
            return 0;
        });
        session.note(
            currency ? fmt::format("reports now convert into {} (--in none: not)", currency->code())
                     : std::string("reports no longer convert without --in"));
    }
    if (options.set_fiscal_start) {
        const int month = parse_option(
            "--set-fiscal-start", *options.set_fiscal_start, [](const std::string& text) {
                const std::string word = ascii_lower(trim(text));
                for (int m = 1; m <= 12; ++m)
                    if (word == std::to_string(m) ||
                        (word.size() >= 3 && month_names[m - 1].substr(0, word.size()) == word))
                        return m;
                throw invalid_input("expected a month: 1 to 12, or its name (april)");
            });
        session.write([&](Store& store) {
            store.set_fiscal_start(month);
            return 0;
        });
        set_fiscal_start(month);
        session.note(month == 1 ? std::string("quarters and years are the calendar's")
                                : fmt::format("the fiscal year starts in {}: FY{} runs from {} "
                                              "to {}",
                                              ascii_upper(month_names[month - 1].substr(0, 1)) +
                                                  std::string(month_names[month - 1].substr(1)),
                                              fiscal_year_of(session.today()),
                                              format_date(start_of_year(session.today())),
                                              format_date(end_of_year(session.today()))));
    }
    Store store = session.read_store();
    session.print(info_record(store));
}

void run_backup(const BackupOptions& options, Session& session) {
    if (!std::filesystem::exists(session.data_file()))
        throw not_found(
            fmt::format("no data file {}: nothing to back up", session.data_file().string()));
    Store store = session.read_store();
    store.backup(options.file);
    session.note(fmt::format("backed up {} to {}", session.data_file().string(), options.file));
}

void run_check(const CheckOptions&, Session& session) {
    if (!std::filesystem::exists(session.data_file()))
        throw not_found(
            fmt::format("no data file {}: nothing to check", session.data_file().string()));
    Store store = session.read_store();
    const auto checks = store.check();
    Table table{{{"check", "Check"}, {"status", "Status"}, {"problems", "Problems"}}, {}};
    std::size_t failed = 0;
    for (const auto& check : checks) {
        failed += check.problems.empty() ? 0 : 1;
        table.rows.push_back({text_cell(check.name),
                              check.problems.empty() ? text_cell("ok", Style::good)
                                                     : text_cell("damaged", Style::bad),
                              optional_text_cell(join(check.problems, "; "))});
    }
    if (!session.quiet()) session.print(table);
    if (failed > 0)
        throw runtime_failure(fmt::format("{} is damaged: {} of {} checks failed",
                                          session.data_file().string(), failed, checks.size()));
    session.note(fmt::format("{}: every check passed", session.data_file().string()));
}

// The command-line definitions.

void setup(Command& group) {
    auto options = std::make_shared<InfoOptions>();
    auto info = group.subcommand("info", "Where the data file is, its schema version and counts");
    info.option("--set-currency", options->set_currency, "Change the default currency (ISO 4217)")
        .type_name("CUR");
    info.option("--set-report-currency", options->set_report_currency,
                "The currency reports convert into without --in (forecast, pipeline, performance); "
                "none: no "
                "conversion")
        .type_name("CUR");
    info.option("--set-fiscal-start", options->set_fiscal_start,
                "The first month of the fiscal year (4 or april); quarters, years, eoq and eoy "
                "follow it; 1: the calendar year")
        .type_name("MONTH");
    info.on_run(options, run_info);
    {
        auto options = std::make_shared<BackupOptions>();
        auto command = group.subcommand(
            "backup", "Copy the data file, consistent even while others write, to a new file");
        command.option("FILE", options->file, "The new file (never replaced)").required();
        command.on_run(options, run_backup);
    }
    {
        auto options = std::make_shared<CheckOptions>();
        auto command = group.subcommand(
            "check", "Check the data file: integrity, foreign keys and funnel's rules");
        command.on_run(options, run_check);
    }
}

}  // namespace funnel::cli::db
