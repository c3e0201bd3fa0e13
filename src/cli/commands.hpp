// The command groups. Each registers its subcommands on the app; a subcommand's callback
// chooses the action that main runs once parsing has succeeded.
#pragma once

#include <functional>
#include <memory>

#include <CLI/CLI.hpp>

#include "session.hpp"

namespace funnel::cli {

using Action = std::function<void(Session&)>;

void setup_opp(CLI::App& app, Action& action);
void setup_org(CLI::App& app, Action& action);
void setup_contact(CLI::App& app, Action& action);
void setup_stage(CLI::App& app, Action& action);
void setup_db(CLI::App& app, Action& action);

// Makes `run(options, session)` the action when this subcommand is chosen.
template <typename Options, typename Run>
void on_run(CLI::App* command, Action& action, std::shared_ptr<Options> options, Run run) {
    command->callback([&action, options, run] {
        action = [options, run](Session& session) { run(*options, session); };
    });
}

}  // namespace funnel::cli
