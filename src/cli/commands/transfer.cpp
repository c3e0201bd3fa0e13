#include "commands/transfer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "args.hpp"
#include "commands/import_input.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/formats/export.hpp"
#include "funnel/formats/import.hpp"
#include "funnel/formats/views.hpp"

namespace funnel::cli::transfer {

namespace {

// --lookup COLUMN=FILE: the file's first column is the id, its Name column (else its second
// column) the name.
std::unordered_map<std::string, std::string> read_lookup(const std::string& option,
                                                         const std::string& path,
                                                         const std::string& encoding) {
    Input input(path);
    const auto malformed = [&](const std::string& why) {
        return invalid_input(
            fmt::format("invalid --lookup {}: {}: {}", in_quotes(option), input.label(), why));
    };
    std::unordered_map<std::string, std::string> names;
    bool has_header = false;
    try {
        CsvReader reader(input.file(), 0, encoding);
        std::vector<std::string> header;
        has_header = reader.next(header) && header.size() >= 2;
        std::size_t name_column = 1;
        for (std::size_t i = 0; i < header.size(); ++i)
            if (iequals(trim(header[i]), "name")) name_column = i;
        std::vector<std::string> cells;
        while (has_header && reader.next(cells))
            if (cells.size() > name_column)
                names.emplace(std::string(trim(cells[0])), std::string(trim(cells[name_column])));
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::invalid) throw;
        throw malformed(e.what());
    }
    if (!has_header)
        throw malformed(
            "expected a CSV file with a header, ids in the first column and names in a Name "
            "column");
    return names;
}

ImportSettings settings_of(const ImportOptions& options, const std::string& encoding) {
    ImportSettings settings;
    if (options.preset) settings.preset = parse_option("--preset", *options.preset, parse_preset);
    // --map COLUMN=field:NAME fills a custom field; the others a field of funnel's.
    std::vector<std::string> maps;
    for (const auto& text : options.maps) {
        const auto [column, target] = parse_option("--map", text, split_assignment);
        if (target.size() > 6 && iequals(std::string_view(target).substr(0, 6), "field:"))
            settings.custom_maps.emplace_back(column, ascii_lower(trim(target.substr(6))));
        else
            maps.push_back(text);
    }
    settings.maps = column_maps(maps, parse_import_field);
    settings.stage_map = stage_maps_of(options.stage_maps);
    settings.date_format = date_format_of(options.date_format);
    if (options.currency)
        settings.currency = parse_currency_option("--currency", *options.currency);
    if (options.key) settings.key = text_option("--key", *options.key, TextKind::name);
    settings.strict = options.strict;
    settings.on_duplicate =
        parse_option("--on-duplicate", options.on_duplicate, parse_on_duplicate);
    for (const auto& text : options.defaults) {
        const auto assignment = parse_option("--default", text, split_assignment);
        const std::string& field = assignment.first;
        settings.defaults.emplace_back(
            parse_option("--default", text,
                         [&](const std::string&) { return parse_import_field(field); }),
            assignment.second);
    }
    for (const auto& text : options.lookups) {
        const auto [column, path] = parse_option("--lookup", text, split_assignment);
        settings.lookups[column] = read_lookup(text, path, encoding);
    }
    return settings;
}

std::vector<Column> action_columns() {
    return {{"row", "Row"},
            {"action", "Action"},
            {"id", "ID"},
            {"name", "Name"},
            {"changes", "Changes"}};
}

Row action_row(const ImportAction& action) {
    return {integer_cell(action.row), text_cell(std::string(to_string(action.kind))),
            integer_cell(action.id), text_cell(action.name),
            optional_text_cell(join(action.changed, ", "))};
}

}  // namespace

void run_import(const ImportOptions& options, Session& session) {
    const std::string encoding = encoding_of(options.encoding);
    ImportSettings settings = settings_of(options, encoding);
    // The custom fields its columns may fill: none in a file not made yet.
    try {
        settings.custom_fields = session.read_store().fields().all(FieldRecord::opp);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) throw;
    }
    const char delimiter = delimiter_of(options.delimiter);
    if (options.timezone) parse_option("--timezone", *options.timezone, ZoneClock::check);
    ImportFile file(session, options.file, delimiter, encoding);
    if (!options.preset) {
        const PresetChoice choice = file.named([&] { return recognise_preset(file.header()); });
        settings.preset = choice.preset;
        if (choice.preset != Preset::generic) {
            std::vector<std::string> shown(
                choice.telling.begin(),
                choice.telling.begin() +
                    std::ptrdiff_t(std::min<std::size_t>(3, choice.telling.size())));
            session.note(
                fmt::format("{}: read with the {} preset, by its columns {}{} (--preset "
                            "sets another)",
                            file.label(), to_string(choice.preset), quoted_list(shown),
                            choice.telling.size() > shown.size() ? ", ..." : ""));
        }
    }
    if (options.create_stages && settings.preset != Preset::vtiger &&
        settings.preset != Preset::salesforce)
        throw invalid_input(
            "--create-stages makes the stages of the vtiger and salesforce presets; this file is "
            "read with the generic one");
    const ColumnPlan plan = file.named([&] { return plan_columns(file.header(), settings); });
    if (!options.date_format) {
        std::vector<std::size_t> dates;
        for (const auto field : {ImportField::close_date, ImportField::created_at,
                                 ImportField::updated_at, ImportField::closed_at})
            if (const auto column = plan.column_of(field)) dates.push_back(*column);
        if (auto format = file.guess_date_format(dates, delimiter, encoding)) {
            session.note(fmt::format("{}: dates read as {} (--date-format sets another)",
                                     file.label(), *format));
            settings.date_format = std::move(*format);
        }
    }
    if (!plan.unknown.empty())
        session.note(fmt::format(
            "{}: {} that the {} preset does not know left out: {} (--map 'COLUMN=FIELD' reads "
            "one; --strict refuses them)",
            file.label(), plan.unknown.size() == 1 ? "a column" : "columns",
            to_string(settings.preset), quoted_list(plan.unknown)));

    ImportCounts counts;
    std::vector<Stage> created;  // by --create-stages
    const auto listing = dry_run_listing(session, options.dry_run, action_columns());
    session.write_once([&](Store& store) {
        const Timestamp now = session.now();
        // The file's times are read in the zone only while it is read (see ZoneClock).
        std::unique_ptr<ZoneClock> zone;
        if (options.timezone) zone = std::make_unique<ZoneClock>(*options.timezone);
        if (options.create_stages) created = create_preset_stages(store, settings.preset);
        const RowConverter converter(plan, settings, store.stages().all(), store.default_currency(),
                                     session.today(), zone.get());
        DealImport import(store, plan, converter, settings, now,
                          "imported from " + file_name(options.file));
        // About 100 bytes a row: enough to tell a bulk load from a few rows.
        import.expect(std::int64_t(file.size() / 100));
        file.each_row([&](std::int64_t row, const std::vector<std::string>& cells,
                          std::vector<CellError>& errors) {
            const auto action = import.add(row, cells, errors);
            if (action && listing) listing->row(action_row(*action));
            return import.counts().rows;
        });
        counts = import.counts();
        created = remove_unused_stages(store, created);
        if (file.has_errors() || options.dry_run) return false;
        import.finish();
        session.hook("import", std::nullopt,
                     Record{{{"file", "File"},
                             {"rows", "Rows"},
                             {"created", "Created"},
                             {"updated", "Updated"},
                             {"skipped", "Skipped"}},
                            {text_cell(options.file), integer_cell(counts.rows),
                             integer_cell(counts.created), integer_cell(counts.updated),
                             integer_cell(counts.skipped)},
                            {}});
        return true;
    });
    file.refuse_if_errors(counts.rows);
    if (const auto note = file.footer_note()) session.note(*note);
    if (listing) listing->end();
    if (counts.matched_by_name && !options.dry_run && counts.created > 0 &&
        counts.created == counts.rows)
        session.note(
            "the file has no key column: importing it again matches its rows to these deals by "
            "organization, name and currency (give --key COLUMN to match by the other system's "
            "ids)");
    if (session.quiet()) return;
    // What was repaired or folded on the way in, said for every format (on stderr).
    const auto repairs = [&] {
        if (counts.probabilities_repaired > 0)
            session.note(fmt::format(
                "{} with a probability unlike {} stage's: the stage's taken (0 for lost, 100 "
                "for won; --strict refuses them instead)",
                count(counts.probabilities_repaired, "closed row"),
                counts.probabilities_repaired == 1 ? "its" : "their"));
        if (counts.created_on_close > 0)
            session.note(fmt::format(
                "{} closed before the creation date the file gives: taken as created on the day "
                "{} closed",
                count(counts.created_on_close, "deal"),
                counts.created_on_close == 1 ? "it" : "they"));
        if (counts.amounts_rounded > 0)
            session.note(fmt::format(
                "{} with more decimals than {} currency: rounded half to even (--strict refuses "
                "them instead)",
                count(counts.amounts_rounded, "amount"),
                counts.amounts_rounded == 1 ? "its" : "their"));
        for (const auto& stage : created)
            session.note(fmt::format("{} stage {} ({}, {} %)",
                                     options.dry_run ? "would create" : "created", stage.name,
                                     stage.label, stage.probability));
        if (!counts.folded.empty()) {
            std::vector<std::string> folds;
            for (const auto& [foreign, fold] : counts.folded)
                folds.push_back(
                    fmt::format("{} → {} ({})", foreign, fold.stage, count(fold.deals, "deal")));
            session.note(fmt::format(
                "{} folded: {} (a stage named or labelled as the file writes it takes its own "
                "deals; --create-stages makes them)",
                count(std::int64_t(counts.folded.size()), "stage"), join(folds, ", ")));
        }
    };
    const double seconds = file.seconds();
    if (session.format() == Format::table) {
        const std::string parties = count(counts.organizations, "organization") + " and " +
                                    count(counts.contacts, "contact");
        if (options.dry_run)
            session.out() << fmt::format(
                "\nDry run of {}: {}; would create {}, update {}, skip {}; would create {}; "
                "nothing was written\n",
                file.label(), count(counts.rows, "row"), n(counts.created), n(counts.updated),
                n(counts.skipped), parties);
        else
            session.out() << fmt::format(
                "Imported {}: {}; {} created, {} updated, {} skipped; {} created; {:.2f} s\n",
                file.label(), count(counts.rows, "row"), n(counts.created), n(counts.updated),
                n(counts.skipped), parties, seconds);
        // Per currency, what the file says: the figures of the other system's list view.
        for (const auto& [code, totals] : counts.totals) {
            const int digits = Currency::parse(code).digits();
            const auto amount = [&](const std::optional<std::int64_t>& minor) {
                return minor ? format_units(*minor, digits, Grouping::thousands)
                             : std::string("more than funnel adds exactly");
            };
            const std::string none = totals.no_amount > 0
                                         ? fmt::format(" ({} with no amount)", n(totals.no_amount))
                                         : "";
            session.out() << fmt::format("  {}: {}{}; open {}, won {}, lost {}\n", code,
                                         count(totals.deals, "deal"), none, amount(totals.open),
                                         amount(totals.won), amount(totals.lost));
        }
        repairs();
        return;
    }
    repairs();
    if (options.dry_run) return;
    session.print(
        Record{{{"file", "File"},
                {"rows", "Rows"},
                {"created", "Created"},
                {"updated", "Updated"},
                {"skipped", "Skipped"},
                {"organizations_created", "Organizations created"},
                {"contacts_created", "Contacts created"},
                {"created_on_close", "Created on their close day"},
                {"probabilities_repaired", "Closed rows given their stage's probability"},
                {"seconds", "Seconds"}},
               {text_cell(file.label()), integer_cell(counts.rows), integer_cell(counts.created),
                integer_cell(counts.updated), integer_cell(counts.skipped),
                integer_cell(counts.organizations), integer_cell(counts.contacts),
                integer_cell(counts.created_on_close), integer_cell(counts.probabilities_repaired),
                decimal_cell(std::int64_t(seconds * 1000 + 0.5), 3)},
               {}});
}

void run_export(const ExportOptions& options, Session& session) {
    opp::ListOptions list = options.list;
    // Every deal unless a state or stage is named.
    if (!list.open && !list.won && !list.lost && !list.closed && list.stages.empty())
        list.all = true;
    const Format format = session.format_given() ? session.format() : Format::csv;
    if (options.excel_safe && format != Format::csv)
        throw invalid_input("--excel-safe is for csv: json and jsonl keep text as it is");
    if (options.excel_safe && session.render_options().raw)
        throw invalid_input("--excel-safe contradicts --raw");
    Store store = session.read_store();
    const OppQuery query = opp::list_query(list, store, session.today());
    DealExporter exporter(session.out(), format, !session.render_options().raw,
                          store.fields().all(FieldRecord::opp));
    store.deals().for_each_columns(query, [&](const DealColumns& deal) { exporter.write(deal); });
    exporter.finish();
}

void run_dump(const DumpOptions&, Session& session) {
    if (session.format_given() && session.format() != Format::json)
        throw invalid_input(fmt::format("invalid --format {}: export all writes json",
                                        in_quotes(to_string(session.format()))));
    Store store = session.read_store();
    store.dump().write(session.out(), session.now());
}

void run_restore(const RestoreOptions& options, Session& session) {
    std::ifstream file;
    if (options.file != "-") {
        Input check(options.file);  // a readable file, not a folder, or a clear error
        file.open(options.file, std::ios::binary);
    }
    std::istream& in = options.file == "-" ? std::cin : file;
    DataCounts counts;
    session.write_once([&](Store& store) {
        try {
            store.dump().restore(in);
        } catch (const Error& e) {
            throw Error(e.kind(),
                        fmt::format("{}: {}", options.file == "-" ? "standard input" : options.file,
                                    e.what()));
        }
        counts = store.counts();
        return true;
    });
    if (session.quiet()) return;
    session.out() << fmt::format(
        "Restored {} ({} open, {} won, {} lost), {}, {} and {} into {}\n",
        count(counts.opportunities, "opportunity", "opportunities"), n(counts.open), n(counts.won),
        n(counts.lost), count(counts.organizations, "organization"),
        count(counts.contacts, "contact"),
        count(counts.history, "history entry", "history entries"), session.data_file().string());
}

// The command-line definitions.

void setup_import(Command& group) {
    {
        auto options = std::make_shared<ImportOptions>();
        auto command = group.subcommand("opportunities",
                                        "Deals from a CSV export of another CRM or a spreadsheet");
        command.option("FILE", options->file, "The CSV file, or - for standard input").required();
        command
            .option("--preset", options->preset,
                    "Column names of generic (funnel's export), vtiger or salesforce (default: "
                    "the one the header's columns fit)")
            .type_name("NAME");
        command.repeatable("--map", options->maps,
                           "Column to field, or to ignore (repeatable): --map 'Deal=name'",
                           "COLUMN=FIELD");
        command.repeatable("--stage-map", options->stage_maps,
                           "A stage of the file to a stage of funnel (repeatable)",
                           "FOREIGN=STAGE");
        command
            .option("--date-format", options->date_format,
                    "How the file writes dates: %m/%d/%Y, %d.%m.%y, ... (default YYYY-MM-DD)")
            .type_name("FMT");
        command
            .option("--currency", options->currency,
                    "Currency of amounts when no column gives one (default: the data file's)")
            .type_name("CUR");
        command
            .option("--key", options->key,
                    "The column of the deals' ids in the other system: a row whose id is "
                    "known already is a duplicate")
            .type_name("COLUMN");
        command.option("--on-duplicate", options->on_duplicate, "skip (default), update or error")
            .type_name("WHAT");
        command.repeatable(
            "--default", options->defaults,
            "Value for blank cells of a field (repeatable): close_date=eoq, org=Unknown",
            "FIELD=VALUE");
        command.repeatable("--lookup", options->lookups,
                           "Names for a column of record ids, from another export (repeatable): "
                           "AccountId=Account.csv",
                           "COLUMN=FILE");
        add_reading_options(command, options->delimiter, options->encoding, options->timezone);
        command.flag("--dry-run", options->dry_run,
                     "Check every row and show what would be done; write nothing");
        command.flag("--create-stages", options->create_stages,
                     "Make the CRM's stages that funnel's defaults lack (Vtiger's Qualification, "
                     "...) rather than fold their deals into the stage before them");
        command.flag("--strict", options->strict,
                     "Refuse columns the preset does not know, and rows that need a repair (a "
                     "closed row whose probability is not its stage's, an amount with more "
                     "decimals than its currency), instead of leaving them out or repairing them "
                     "and saying so");
        command.footer(
            "Fields: name, org, contact, amount, currency, close_date, stage, probability, type, "
            "next_step, description, owner, source, created_at, updated_at, closed_at, "
            "lost_reason, external_id, category, ignore. The file is imported whole or not at "
            "all.");
        command.on_run(options, run_import);
    }
    setup_history_import(group);
    {
        auto options = std::make_shared<RestoreOptions>();
        auto command =
            group.subcommand("all", "Restore a dump made by export all into an empty data file");
        command.option("FILE", options->file, "The dump, or - for standard input").required();
        command.on_run(options, run_restore);
    }
}

void setup_export(Command& group) {
    {
        auto options = std::make_shared<ExportOptions>();
        options->list.sort = "id";
        auto command = group.subcommand(
            "opportunities", "Every deal (or those filtered as in opp list) as csv, json or jsonl");
        opp::add_list_options(command, options->list, false);
        command.flag("--excel-safe", options->excel_safe,
                     "Make cells that a spreadsheet would run as formulas inert (csv; the "
                     "default, unless --raw)");
        command.on_run(options, run_export);
    }
    {
        auto options = std::make_shared<DumpOptions>();
        auto command =
            group.subcommand("all", "The whole data file as one JSON document, for import all");
        command.on_run(options, run_dump);
    }
}

}  // namespace funnel::cli::transfer
