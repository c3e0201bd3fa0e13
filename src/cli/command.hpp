// How a command is defined: its arguments, options and flags, bound to the fields of the group's
// option structs, and what runs when it is chosen. Each group writes its definitions beside its
// run functions with these; CLI11 parses behind them, compiled once in app.cpp, because it is
// header-only and slow to compile: this header does not include it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace funnel::cli {

// What runs once the whole command line has been parsed.
using Action = std::function<void(Session&)>;

class Option {
  public:
    explicit Option(CLI::Option* option) : option_(option) {}
    Option& required();
    // The placeholder help shows for the value: DATE, AMOUNT, ...
    Option& type_name(std::string_view name);
    // Refused together with `other`.
    Option& excludes(const Option& other);

  private:
    CLI::Option* option_;
};

class Command {
  public:
    Command(CLI::App* app, Action* action) : app_(app), action_(action) {}

    Command subcommand(std::string_view name, std::string_view description);
    // A name in capitals ("ID") is a positional argument, "--name" or "-y,--yes" an option.
    Option option(std::string_view name, std::string& value, std::string_view description);
    Option option(std::string_view name, std::optional<std::string>& value,
                  std::string_view description);
    Option option(std::string_view name, std::vector<std::string>& values,
                  std::string_view description);
    // An option given once per value, the values kept in order: --map A=b --map C=d, or --from
    // twice (a period and, with --mime, an address).
    Option repeatable(std::string_view name, std::vector<std::string>& values,
                      std::string_view description, std::string_view type_name);
    Option flag(std::string_view name, bool& value, std::string_view description);
    // One of the subcommands must be chosen.
    Command& require_subcommand();
    // Text shown at the foot of --help.
    Command& footer(std::string_view text);

    // Makes `run` the action when this command is chosen; `chosen`, when given, runs at once
    // (while parsing), for what must be known before the session starts.
    void on_run(Action run, std::function<void()> chosen = {});
    // Makes `run(*options, session)` the action.
    template <typename Options, typename Run>
    void on_run(std::shared_ptr<Options> options, Run run) {
        on_run([options, run](Session& session) { run(*options, session); });
    }

  private:
    CLI::App* app_;
    Action* action_;
};

}  // namespace funnel::cli
