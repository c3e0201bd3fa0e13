// import history: the stage history of deals from another CRM (docs/import-export.md).
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/import_input.hpp"
#include "commands/transfer.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/formats/history_import.hpp"
#include "funnel/formats/views.hpp"

namespace funnel::cli::transfer {

namespace {

HistorySettings history_settings_of(const HistoryImportOptions& options) {
    HistorySettings settings;
    settings.preset = parse_option("--preset", options.preset, parse_preset);
    settings.maps = column_maps(options.maps, parse_history_field);
    settings.stage_map = stage_maps_of(options.stage_maps);
    settings.date_format = date_format_of(options.date_format);
    return settings;
}

std::vector<Column> history_action_columns() {
    return {{"id", "ID"},
            {"name", "Name"},
            {"snapshots", "Snapshots"},
            {"added", "Changes added"},
            {"removed", "Changes replaced"}};
}

}  // namespace

void run_import_history(const HistoryImportOptions& options, Session& session) {
    const std::string encoding = encoding_of(options.encoding);
    const HistorySettings settings = history_settings_of(options);
    const char delimiter = delimiter_of(options.delimiter);
    if (options.timezone) parse_option("--timezone", *options.timezone, ZoneClock::check);
    ImportFile file(session, options.file, delimiter, encoding);
    const HistoryPlan plan =
        file.named([&] { return plan_history_columns(file.header(), settings); });

    HistoryCounts counts;
    const auto listing = dry_run_listing(session, options.dry_run, history_action_columns());
    const auto list = [&](const HistoryAction& action) {
        if (!listing) return;
        const Row row = {integer_cell(action.id), text_cell(action.name),
                         integer_cell(action.snapshots), integer_cell(action.added),
                         integer_cell(action.removed)};
        listing->row(row);
    };
    session.write_once([&](Store& store) {
        // The file's times are read in the zone only while it is read: notes and messages keep
        // the system's.
        std::unique_ptr<ZoneClock> zone;
        if (options.timezone) zone = std::make_unique<ZoneClock>(*options.timezone);
        HistoryImport import(store, plan, settings, zone.get(),
                             "history imported from " + file_name(options.file));
        file.each_row([&](std::int64_t row, const std::vector<std::string>& cells,
                          std::vector<CellError>& errors) {
            import.add(row, cells, errors);
            return import.counts().rows;
        });
        zone.reset();
        if (!file.has_errors()) import.finish(list);
        counts = import.counts();
        return !file.has_errors() && !options.dry_run;
    });
    file.refuse_if_errors(counts.rows);
    if (const auto note = file.footer_note()) session.note(*note);
    if (listing) listing->end();
    if (counts.deleted > 0)
        session.note(fmt::format("{} marked deleted left out", count(counts.deleted, "row")));
    if (counts.unknown_rows > 0)
        session.note(fmt::format(
            "{} of {} that this data file does not hold left out ({}{}); import the deals first "
            "with import opportunities --key",
            count(counts.unknown_rows, "row"), count(counts.unknown_deals, "deal"),
            quoted_list(counts.unknown_keys),
            counts.unknown_deals > std::int64_t(counts.unknown_keys.size()) ? ", ..." : ""));
    if (session.quiet()) return;
    const std::int64_t unchanged = counts.deals - counts.rebuilt;
    const double seconds = file.seconds();
    if (session.format() == Format::table) {
        if (options.dry_run)
            session.out() << fmt::format(
                "\nDry run of {}: {} of {}; would rebuild {} ({} changes added, {} replaced), "
                "{} unchanged; nothing was written\n",
                file.label(), count(counts.rows, "row"), count(counts.deals, "deal"),
                count(counts.rebuilt, "history", "histories"), n(counts.added), n(counts.removed),
                n(unchanged));
        else
            session.out() << fmt::format(
                "Imported {}: {} of {}; {} rebuilt ({} changes added, {} replaced), {} "
                "unchanged; {:.2f} s\n",
                file.label(), count(counts.rows, "row"), count(counts.deals, "deal"),
                count(counts.rebuilt, "history", "histories"), n(counts.added), n(counts.removed),
                n(unchanged), seconds);
        return;
    }
    if (options.dry_run) return;
    session.print(Record{
        {{"file", "File"},
         {"rows", "Rows"},
         {"deals", "Deals"},
         {"rebuilt", "Histories rebuilt"},
         {"unchanged", "Unchanged"},
         {"added", "Changes added"},
         {"removed", "Changes replaced"},
         {"deleted_rows", "Rows marked deleted"},
         {"unknown_rows", "Rows of unknown deals"},
         {"seconds", "Seconds"}},
        {text_cell(file.label()), integer_cell(counts.rows), integer_cell(counts.deals),
         integer_cell(counts.rebuilt), integer_cell(unchanged), integer_cell(counts.added),
         integer_cell(counts.removed), integer_cell(counts.deleted),
         integer_cell(counts.unknown_rows), decimal_cell(std::int64_t(seconds * 1000 + 0.5), 3)},
        {}});
}

void setup_history_import(Command& group) {
    auto options = std::make_shared<HistoryImportOptions>();
    auto command = group.subcommand(
        "history", "The stage history of deals imported before, from another CRM's export");
    command.option("FILE", options->file, "The CSV file, or - for standard input").required();
    command
        .option("--preset", options->preset,
                "Column names of generic, vtiger (the stage history table) or salesforce "
                "(OpportunityHistory)")
        .type_name("NAME");
    command.repeatable("--map", options->maps,
                       "Column to field, or to ignore (repeatable): --map 'Deal=opportunity'",
                       "COLUMN=FIELD");
    command.repeatable("--stage-map", options->stage_maps,
                       "A stage of the file to a stage of funnel (repeatable)", "FOREIGN=STAGE");
    command
        .option("--date-format", options->date_format,
                "How the file writes dates: %m/%d/%Y, %d.%m.%y, ... (default YYYY-MM-DD)")
        .type_name("FMT");
    add_reading_options(command, options->delimiter, options->encoding, options->timezone);
    command.flag("--dry-run", options->dry_run,
                 "Check every row and show what each deal's history would become; write nothing");
    command.footer(
        "Fields: opportunity (the deal's external id, or its id), at, stage, amount, currency, "
        "close_date, probability, category, deleted, ignore. Each row is the deal as the other "
        "CRM knew it at that moment; a deal's rows in time order become its history, replacing "
        "what the file held of those fields up to the last row. Importing the same rows again "
        "changes nothing. The file is imported whole or not at all.");
    command.on_run(options, run_import_history);
}

}  // namespace funnel::cli::transfer
