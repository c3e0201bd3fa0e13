// The whole command tree as CLI11 parses it: for app.cpp and the man page tool, the only two
// files that include CLI11 (it is header-only and slow to compile). The groups define their
// commands through command.hpp.
#pragma once

#include <memory>
#include <span>

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace funnel::cli {

// The whole command tree: one definition drives parsing, --help and the man page.
// The groups named in `words` (the command line) get their commands; the others only their
// name and description, which is all that top-level help needs. Building every command costs
// time at each start, and funnel is started often by scripts. Without `words`, all are built.
std::unique_ptr<CLI::App> build_app(GlobalOptions& globals, Action& action,
                                    std::span<const char* const> words = {});

}  // namespace funnel::cli
