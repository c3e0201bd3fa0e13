// Output for people that is longer than the screen goes through a pager, as git's does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace funnel {

// The size of the terminal that standard output is, or nothing when it is not a terminal.
// COLUMNS and LINES, when set to numbers, stand for what the terminal says (as git reads them).
struct TerminalSize {
    std::size_t columns = 0;  // 0: not known
    std::size_t lines = 0;
};
std::optional<TerminalSize> output_terminal();

// Whether `program` (a command's first word) is an executable in PATH.
bool in_path(std::string_view program);

// Runs `command` through /bin/sh with `text` on its standard input and waits for it, funnel
// ignoring Ctrl-C meanwhile (the pager takes it). False when it could not be started or exited
// with 127 (the shell found no such command), so that the caller prints the text itself.
bool run_pager(const std::string& command, std::string_view text);

}  // namespace funnel
