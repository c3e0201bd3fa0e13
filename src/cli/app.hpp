// The whole command tree: one definition drives parsing, --help and the man page.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "session.hpp"

namespace funnel::cli {

std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action);

// Parses and runs a command line; returns the exit code.
int run(int argc, const char* const* argv);

}  // namespace funnel::cli
