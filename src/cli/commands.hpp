// What the command-line definitions share: a command's callback chooses the action that runs
// once parsing has succeeded. Only app.cpp and the man page tool include this (and CLI11, which is
// slow to compile).
#pragma once

#include <functional>
#include <memory>
#include <span>

#include <CLI/CLI.hpp>

#include "session.hpp"

namespace funnel::cli {

using Action = std::function<void(Session&)>;

// Makes `run(options, session)` the action when this subcommand is chosen.
template <typename Options, typename Run>
void on_run(CLI::App* command, Action& action, std::shared_ptr<Options> options, Run run) {
    command->callback([&action, options, run] {
        action = [options, run](Session& session) { run(*options, session); };
    });
}

// The whole command tree: one definition drives parsing, --help and the man page.
// The groups named in `words` (the command line) get their commands; the others only their
// name and description, which is all that top-level help needs. Building every command costs
// time at each start, and funnel is started often by scripts. Without `words`, all are built.
std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action,
                                    std::span<const char* const> words = {});

}  // namespace funnel::cli
