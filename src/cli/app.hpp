// The command line: parse, run, and map errors to exit codes.
#pragma once

namespace funnel::cli {

// Parses and runs a command line; returns the exit code.
int run(int argc, const char* const* argv);

}  // namespace funnel::cli
