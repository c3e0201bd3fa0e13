#include "app.hpp"

#include "parser.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "commands/activity.hpp"
#include "commands/calendar.hpp"
#include "commands/contact.hpp"
#include "commands/db.hpp"
#include "commands/field.hpp"
#include "commands/fx.hpp"
#include "commands/opp.hpp"
#include "commands/org.hpp"
#include "commands/product.hpp"
#include "commands/quota.hpp"
#include "commands/report.hpp"
#include "commands/stage.hpp"
#include "commands/transfer.hpp"
#include "commands/undo.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/version.hpp"

namespace funnel::cli {

// The definitions each group writes (command.hpp), made CLI11's.

Option& Option::required() {
    option_->required();
    return *this;
}

Option& Option::type_name(std::string_view name) {
    option_->type_name(std::string(name));
    return *this;
}

Option& Option::excludes(const Option& other) {
    option_->excludes(other.option_);
    return *this;
}

Command Command::subcommand(std::string_view name, std::string_view description) {
    return Command(app_->add_subcommand(std::string(name), std::string(description)), action_);
}

Option Command::option(std::string_view name, std::string& value, std::string_view description) {
    return Option(app_->add_option(std::string(name), value, std::string(description)));
}

Option Command::option(std::string_view name, std::optional<std::string>& value,
                       std::string_view description) {
    return Option(app_->add_option(std::string(name), value, std::string(description)));
}

Option Command::option(std::string_view name, std::vector<std::string>& values,
                       std::string_view description) {
    return Option(app_->add_option(std::string(name), values, std::string(description)));
}

Option Command::repeatable(std::string_view name, std::vector<std::string>& values,
                           std::string_view description, std::string_view type_name) {
    return Option(app_->add_option(std::string(name), values, std::string(description))
                      ->type_name(std::string(type_name))
                      ->expected(1)
                      ->allow_extra_args(false)
                      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
}

Option Command::flag(std::string_view name, bool& value, std::string_view description) {
    return Option(app_->add_flag(std::string(name), value, std::string(description)));
}

Command& Command::require_subcommand() {
    app_->require_subcommand(1);
    return *this;
}

Command& Command::footer(std::string_view text) {
    app_->footer(std::string(text));
    return *this;
}

void Command::on_run(Action run, std::function<void()> chosen) {
    app_->callback([action = action_, run = std::move(run), chosen = std::move(chosen)] {
        if (chosen) chosen();
        *action = run;
    });
}

namespace {

struct Group {
    const char* name;
    const char* description;
    void (*setup)(Command&);
};

constexpr Group groups[] = {
    {"opp", "Opportunities (deals): add, list, change, close", opp::setup},
    {"org", "Organizations: the companies deals are with", org::setup},
    {"contact", "Contacts: the people deals are with", contact::setup},
    {"stage", "Sales stages: their order, probabilities and categories", stage::setup},
    {"activity", "Activities: calls, meetings, tasks and emails, with a due date", activity::setup},
    {"product", "Products and services: the catalog that deals' lines refer to", product::setup},
    {"report", "Reports: forecast, backtest, pipeline, performance, slipped, stale, conversion",
     report::setup},
    {"import", "Import deals and their history from CSV, or restore a dump",
     transfer::setup_import},
    {"export", "Export deals as csv, json or jsonl, or dump the whole file",
     transfer::setup_export},
    {"field", "Custom fields of deals, organizations and contacts", field::setup},
    {"fx", "Exchange rates, dated, that reports convert amounts with (--in)", fx::setup},
    {"quota", "Sales quotas of owners and the team, by period (report attainment)", quota::setup},
    {"db", "The data file: info, check, backup", db::setup},
};

}  // namespace

std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action,
                                    std::span<const char* const> words) {
    auto app = std::make_unique<CLI::App>(
        "funnel: sales opportunities in a local file, and honest probability-weighted forecasts",
        "funnel");
    // Global options are accepted after a subcommand too.
    app->fallthrough();
    app->require_subcommand(1);
    app->set_version_flag("--version", "funnel " + std::string(version));
    Command funnel(app.get(), &action);
    funnel
        .option("--db", globals.db,
                "Data file (default: $FUNNEL_DB, else $XDG_DATA_HOME/funnel/funnel.db)")
        .type_name("PATH");
    funnel
        .option("--format", globals.format,
                "table, json, jsonl, csv, tsv, markdown or html (and ics for calendar)")
        .type_name("FORMAT");
    funnel.flag("--json", globals.json, "Short for --format json");
    funnel.option("--color", globals.color, "auto, always or never").type_name("WHEN");
    funnel
        .option("--today", globals.today,
                "The date taken as today (default: $FUNNEL_TODAY, else the system date)")
        .type_name("DATE");
    funnel.flag("-q,--quiet", globals.quiet, "Print only ids; nothing else on success");
    funnel.flag("--no-hooks", globals.no_hooks,
                "Run no hooks (see docs/hooks.md; FUNNEL_NO_HOOKS does the same)");
    funnel.flag("--raw", globals.raw,
                "csv and tsv text as stored: no apostrophe before a cell a spreadsheet would "
                "run as a formula (=, +, -, @)");
    for (const auto& group : groups) {
        auto command = funnel.subcommand(group.name, group.description);
        command.require_subcommand();
        const bool named = std::find_if(words.begin(), words.end(), [&](const char* word) {
                               return std::string_view(word) == group.name;
                           }) != words.end();
        if (words.empty() || named) group.setup(command);
    }
    calendar::setup(funnel, globals);
    undo::setup(funnel);
    return app;
}

namespace {

int fail(ErrorKind kind, const std::string& message) {
    std::cout.flush();
    std::cerr << "funnel: " << message << '\n';
    return static_cast<int>(kind);
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
    // The word after the chosen command and its arguments, if any, is what was not understood.
    bool after = command == &app;
    std::size_t arguments =
        command->get_options([](const CLI::Option* option) { return option->get_positional(); })
            .size();
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (after && !word.starts_with("-") && arguments > 0) {
            --arguments;
            continue;
        }
        if (after && !word.starts_with("-"))
            return fmt::format("unknown command {} for {}; expected one of {}", in_quotes(word),
                               path, join(names, ", "));
        if (word == command->get_name()) after = true;
        if (word == "--db" || word == "--format" || word == "--color" || word == "--today") ++i;
    }
    return fmt::format("{} needs a command: {}", path, join(names, ", "));
}

}  // namespace

namespace {

// `opp tag 7 +hot -cold`: -cold reads to the parser as short options (-c -o -l -d), so a word
// after a tag command that starts with one dash, and is not one of its flags (-q, -h), becomes
// `--untag cold`; the value of an option stays as it is, and a -- is dropped.
std::vector<std::string> with_tag_removals(int argc, const char* const* argv) {
    std::vector<std::string> words;
    bool in_tag = false;
    for (int i = 0; i < argc; ++i) {
        const std::string word = argv[i];
        if (!in_tag) {
            in_tag = word == "tag" && words.size() >= 2 &&
                     (words.back() == "opp" || words.back() == "org" || words.back() == "contact");
            words.push_back(word);
            continue;
        }
        if (word == "--") continue;
        const bool takes_value = word == "--where" || word == "--db" || word == "--format" ||
                                 word == "--color" || word == "--today" || word == "--untag";
        if (takes_value && i + 1 < argc) {
            words.push_back(word);
            words.emplace_back(argv[++i]);
        } else if (word.size() >= 2 && word[0] == '-' && word[1] != '-' && word != "-q" &&
                   word != "-h") {
            words.emplace_back("--untag");
            words.push_back(word.substr(1));
        } else {
            words.push_back(word);
        }
    }
    return words;
}

}  // namespace

int run(int argc, const char* const* argv) {
    GlobalOptions globals;
    Action action;
    auto app =
        build_app(globals, action, std::span(argv + 1, std::size_t(argc > 0 ? argc - 1 : 0)));
    const auto rewritten = with_tag_removals(argc, argv);
    std::vector<const char*> arguments;
    for (const auto& word : rewritten)
        arguments.push_back(word.c_str());
    try {
        app->parse(int(arguments.size()), arguments.data());
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
    std::vector<std::string> words{"funnel"};
    for (int i = 1; i < argc; ++i)
        words.emplace_back(argv[i]);
    globals.command_line = shell_words(words);
    try {
        Session session(globals);
        action(session);
        std::cout.flush();
        if (!std::cout) return fail(ErrorKind::runtime, "cannot write the output");
        return 0;
    } catch (const Error& e) {
        return fail(e.kind(), e.what());
    } catch (const std::bad_alloc&) {
        return fail(ErrorKind::runtime, "out of memory");
    } catch (const std::exception& e) {
        if (const auto error = database_failure(e)) return fail(error->kind(), error->what());
        return fail(ErrorKind::runtime, e.what());
    }
}

}  // namespace funnel::cli
