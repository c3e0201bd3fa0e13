#include "app.hpp"

#include <sqlite3.h>

#include <iostream>
#include <optional>

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>

#include "funnel/error.hpp"
#include "funnel/text.hpp"
#include "funnel/version.hpp"

namespace funnel::cli {

std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action) {
    auto app = std::make_unique<CLI::App>(
        "funnel: sales opportunities in a local file, and honest probability-weighted forecasts",
        "funnel");
    // Global options are accepted after a subcommand too.
    app->fallthrough();
    app->require_subcommand(1);
    app->set_version_flag("--version", "funnel " + std::string(version));
    app->add_option("--db", globals.db,
                    "Data file (default: $FUNNEL_DB, else $XDG_DATA_HOME/funnel/funnel.db)")
        ->type_name("PATH");
    app->add_option("--format", globals.format, "table, json, jsonl, csv, tsv, markdown or html")
        ->type_name("FORMAT");
    app->add_flag("--json", globals.json, "Short for --format json");
    app->add_option("--color", globals.color, "auto, always or never")->type_name("WHEN");
    app->add_option("--today", globals.today,
                    "The date taken as today (default: $FUNNEL_TODAY, else the system date)")
        ->type_name("DATE");
    app->add_flag("-q,--quiet", globals.quiet, "Print only ids; nothing else on success");
    setup_opp(*app, action);
    setup_org(*app, action);
    setup_contact(*app, action);
    setup_stage(*app, action);
    setup_db(*app, action);
    return app;
}

namespace {

int fail(ErrorKind kind, const std::string& message) {
    std::cout.flush();
    std::cerr << "funnel: " << message << '\n';
    return static_cast<int>(kind);
}

// SQLite's own failures: a busy file is a conflict, anything else a runtime failure.
int fail_database(const SQLite::Exception& e) {
    const int code = e.getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return fail(ErrorKind::conflict,
                    "the data file is busy: another process kept it locked; try again");
    if (code == SQLITE_CONSTRAINT)
        return fail(ErrorKind::conflict, fmt::format("refused by the data file: {}", e.what()));
    if (code == SQLITE_READONLY)
        return fail(ErrorKind::runtime, fmt::format("cannot write the data file: {}", e.what()));
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return fail(ErrorKind::runtime, fmt::format("the data file is damaged: {}", e.what()));
    if (code == SQLITE_FULL)
        return fail(ErrorKind::runtime, "the disk is full; nothing was written");
    return fail(ErrorKind::runtime, fmt::format("database error: {}", e.what()));
}

// The deepest subcommand the command line chose.
const CLI::App* chosen(const CLI::App& app) {
    for (const auto* sub : app.get_subcommands())
        return chosen(*sub);
    return &app;
}

// "funnel opp needs a command" reads better than CLI11's "A subcommand is required".
std::optional<std::string> missing_command(const CLI::App& app, int argc, const char* const* argv) {
    const CLI::App* command = chosen(app);
    const auto subcommands = command->get_subcommands({});
    if (subcommands.empty()) return std::nullopt;
    std::vector<std::string> names;
    for (const auto* sub : subcommands)
        names.push_back(sub->get_name());
    std::string path = "funnel";
    for (const CLI::App* at = command; at->get_parent(); at = at->get_parent())
        path.insert(6, " " + at->get_name());
    // The word after the chosen command, if any, is what was not understood.
    bool after = command == &app;
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (after && !word.starts_with("-"))
            return fmt::format("unknown command {} for {}; expected one of {}", in_quotes(word),
                               path, join(names, ", "));
        if (word == command->get_name()) after = true;
        if (word == "--db" || word == "--format" || word == "--color" || word == "--today") ++i;
    }
    return fmt::format("{} needs a command: {}", path, join(names, ", "));
}

}  // namespace

int run(int argc, const char* const* argv) {
    GlobalOptions globals;
    Action action;
    auto app = build_app(globals, action);
    try {
        app->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app->exit(e);
    } catch (const CLI::RequiredError& e) {
        if (auto message = missing_command(*app, argc, argv))
            return fail(ErrorKind::invalid, *message);
        return fail(ErrorKind::invalid, fmt::format("{} (see --help)", e.what()));
    } catch (const CLI::ParseError& e) {
        return fail(ErrorKind::invalid, fmt::format("{} (see --help)", e.what()));
    }
    try {
        Session session(globals);
        action(session);
        std::cout.flush();
        if (!std::cout) return fail(ErrorKind::runtime, "cannot write the output");
        return 0;
    } catch (const Error& e) {
        return fail(e.kind(), e.what());
    } catch (const SQLite::Exception& e) {
        return fail_database(e);
    } catch (const std::bad_alloc&) {
        return fail(ErrorKind::runtime, "out of memory");
    } catch (const std::exception& e) {
        return fail(ErrorKind::runtime, e.what());
    }
}

}  // namespace funnel::cli
