// Hooks: the user's own programs that funnel runs before and after a change, with the change as
// JSON on their standard input (docs/hooks.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace funnel {

// $XDG_CONFIG_HOME/funnel/hooks, else $HOME/.config/funnel/hooks; nothing when neither is set.
// Empty values count as unset.
std::optional<std::filesystem::path> hooks_folder(const char* xdg_config_home, const char* home);

struct HookRun {
    int exit_status = 0;  // the hook's exit status; 128 + N when signal N ended it
    bool timed_out = false;
    std::string first_error_line;  // the first line it wrote to stderr
};

// Runs the executable `program` with `input` on its standard input. What it writes to stdout and
// stderr goes to funnel's stderr (never its stdout, which scripts read); the first line of its
// stderr is kept too. It is killed, with any processes it started, after `timeout_seconds`.
// Throws Error(runtime) when it cannot be started.
HookRun run_hook(const std::filesystem::path& program, const std::string& input,
                 int timeout_seconds);

}  // namespace funnel
