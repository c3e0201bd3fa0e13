#include "app.hpp"

#include "parser.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "commands/activity.hpp"
#include "commands/calendar.hpp"
#include "commands/config.hpp"
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
#include "complete.hpp"
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
    auto* sub = app_->add_subcommand(std::string(name), std::string(description));
    // The short names of the shell: opp ls, org rm.
    if (name == "list") sub->alias("ls");
    if (name == "delete") sub->alias("rm");
    return Command(sub, action_);
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

// Examples at the foot of each command's help: the documents' own, which run as tests
// (scripts/help_examples.py writes the table at build time).
struct HelpExample {
    const char* group;
    const char* command;  // empty for a command without subcommands (undo)
    const char* line;
};
constexpr HelpExample help_examples[] = {
#include "help_examples.inc"
};

void add_examples(CLI::App& app) {
    for (auto* group : app.get_subcommands({})) {
        auto leaves = group->get_subcommands({});
        if (leaves.empty()) leaves.push_back(group);
        for (auto* leaf : leaves) {
            std::string lines;
            for (const auto& example : help_examples)
                if (group->check_name(example.group) &&
                    (leaf == group || leaf->check_name(example.command)))
                    lines += fmt::format("\n  {}", example.line);
            if (lines.empty()) continue;
            const std::string footer = leaf->get_footer();
            leaf->footer(footer + (footer.empty() ? "" : "\n\n") + "Examples:" + lines);
        }
    }
}

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
    funnel.flag("--wide", globals.wide,
                "Tables as wide as their text (on a terminal they are cut to fit its width)");
    funnel.flag("--no-pager", globals.no_pager,
                "Never through the pager (see the config's pager; docs/config.md)");
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
    config::setup(funnel, globals);
    setup_completion(funnel);
    // Only help shows them (and the man page, which builds every command).
    const bool help = words.empty() || std::any_of(words.begin(), words.end(), [](const char* w) {
                          const std::string_view word = w;
                          return word == "--help" || word == "-h" || word == "help";
                      });
    if (help) add_examples(*app);
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
        if (after && !word.starts_with("-")) {
            if (const auto suggestion = closest_name(word, names, 1))
                return fmt::format("unknown command {} for {}; did you mean {}?", in_quotes(word),
                                   path, in_quotes(*suggestion));
            return fmt::format("unknown command {} for {}; expected one of {}", in_quotes(word),
                               path, join(names, ", "));
        }
        if (word == command->get_name()) after = true;
        if (word == "--db" || word == "--format" || word == "--color" || word == "--today") ++i;
    }
    return fmt::format("{} needs a command: {}", path, join(names, ", "));
}

// The command's path as a user typed it: "opp list", or "funnel" for the top.
std::string command_path(const CLI::App& command) {
    std::string path;
    for (const CLI::App* at = &command; at->get_parent(); at = at->get_parent())
        path = at->get_name() + (path.empty() ? "" : " " + path);
    return path.empty() ? "funnel" : path;
}

// An option of the command line that neither the chosen command nor the commands above it
// (whose options are accepted after it) know: "unknown option '--sotr' for 'opp list'; did you
// mean '--sort'?". Nothing when every option is known.
std::optional<std::string> unknown_option(const CLI::App& app,
                                          const std::vector<const char*>& words) {
    const CLI::App* command = chosen(app);
    std::vector<std::string> known, long_names;
    for (const CLI::App* at = command; at; at = at->get_parent())
        for (const auto* option : at->get_options()) {
            for (const auto& name : option->get_lnames()) {
                known.push_back("--" + name);
                long_names.push_back("--" + name);
            }
            for (const auto& name : option->get_snames())
                known.push_back("-" + name);
        }
    known.insert(known.end(), {"-h", "--help", "--version"});
    for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string_view word = words[i];
        if (word == "--") break;
        if (word.size() < 2 || word[0] != '-' || (word[1] >= '0' && word[1] <= '9')) continue;
        const std::string name(word.substr(0, word.find('=')));
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        const auto suggestion = closest_name(name, long_names, 1);
        return fmt::format("unknown option {} for {}{}", in_quotes(name),
                           in_quotes(command_path(*command)),
                           suggestion ? fmt::format("; did you mean {}?", in_quotes(*suggestion))
                                      : std::string("; see --help"));
    }
    return std::nullopt;
}

// `funnel` alone: what it is and how to start, on stderr (exit 2).
std::string short_usage(const CLI::App& app) {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({}))
        names.push_back(sub->get_name());
    return fmt::format(
        "funnel: sales opportunities in a local file, and honest probability-weighted "
        "forecasts\nusage: funnel COMMAND [ARGUMENTS] [OPTIONS]\ncommands: {}\n'funnel help "
        "COMMAND' says what a command takes; 'funnel opp add NAME --org ORG --close DATE' adds a "
        "deal.\n",
        join(names, ", "));
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
    // funnel __complete WORD...: what the completion scripts ask; never an error.
    if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
        const auto app = build_app(globals, action, {});
        for (const auto& candidate :
             completions(*app, std::vector<std::string>(argv + 2, argv + argc)))
            std::cout << candidate << '\n';
        return 0;
    }
    auto app =
        build_app(globals, action, std::span(argv + 1, std::size_t(argc > 0 ? argc - 1 : 0)));
    if (argc <= 1) {
        std::cerr << short_usage(*app);
        return static_cast<int>(ErrorKind::invalid);
    }
    auto rewritten = with_tag_removals(argc, argv);
    // config set KEY -amount: a value may start with a dash (list.sort, list.where).
    for (std::size_t i = 1; i + 3 < rewritten.size(); ++i)
        if (rewritten[i] == "config" && rewritten[i + 1] == "set" &&
            rewritten[i + 3].starts_with("-") && rewritten[i + 3].size() > 1 &&
            rewritten[i + 3] != "--" && rewritten[i + 3] != "-q" && rewritten[i + 3] != "-h" &&
            !rewritten[i + 3].starts_with("--")) {
            rewritten.insert(rewritten.begin() + std::ptrdiff_t(i + 3), "--");
            break;
        }
    // funnel help [COMMAND...]: that command's --help.
    if (rewritten.size() >= 2 && rewritten[1] == "help") {
        rewritten.erase(rewritten.begin() + 1);
        rewritten.emplace_back("--help");
    }
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
    } catch (const CLI::ParseError& e) {
        // A misspelt option is said first, whatever CLI11 tripped on (--clsoe eom reads to it
        // as --close missing).
        if (auto message = unknown_option(*app, arguments))
            return fail(ErrorKind::invalid, *message);
        if (dynamic_cast<const CLI::RequiredError*>(&e))
            if (auto message = missing_command(*app, argc, argv))
                return fail(ErrorKind::invalid, *message);
        if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
            // CLI11 says "The following arguments were not expected: 2 3".
            const std::string what = e.what();
            const auto colon = what.find(": ");
            return fail(
                ErrorKind::invalid,
                fmt::format("unexpected {} for {} (see --help)",
                            in_quotes(colon == std::string::npos ? what : what.substr(colon + 2)),
                            in_quotes(command_path(*chosen(*app)))));
        }
        return fail(ErrorKind::invalid, fmt::format("{} (see --help)", e.what()));
    }
    std::vector<std::string> words{"funnel"};
    for (int i = 1; i < argc; ++i)
        words.emplace_back(argv[i]);
    globals.command_line = shell_words(words);
    try {
        Session session(globals);
        PagedOutput output(session);
        action(session);
        output.finish();
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
