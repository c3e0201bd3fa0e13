#include "funnel/system/pager.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "system/pipe.hpp"

extern char** environ;

namespace funnel {

namespace {

std::size_t number_in(const char* name) {
    const char* text = std::getenv(name);
    if (!text || !*text) return 0;
    std::size_t value = 0;
    for (const char* c = text; *c; ++c) {
        if (*c < '0' || *c > '9' || value > 100000) return 0;
        value = value * 10 + std::size_t(*c - '0');
    }
    return value;
}

}  // namespace

std::optional<TerminalSize> output_terminal() {
    if (!::isatty(STDOUT_FILENO)) return std::nullopt;
    TerminalSize size;
    winsize window{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &window) == 0) {
        size.columns = window.ws_col;
        size.lines = window.ws_row;
    }
    if (const auto columns = number_in("COLUMNS")) size.columns = columns;
    if (const auto lines = number_in("LINES")) size.lines = lines;
    return size;
}

bool in_path(std::string_view program) {
    if (program.find('/') != std::string_view::npos)
        return ::access(std::string(program).c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::string_view folders = path;
    while (true) {
        const auto colon = folders.find(':');
        const std::string folder(folders.substr(0, colon));
        const auto candidate =
            (folder.empty() ? std::string(".") : folder) + "/" + std::string(program);
        struct stat status {};
        if (::stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return true;
        if (colon == std::string_view::npos) return false;
        folders.remove_prefix(colon + 1);
    }
}

bool run_pager(const std::string& command, std::string_view text) {
    Pipe in("the pager");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
    const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    const int spawned =
        ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return false;
    in.close_read();
    // A pager quit early must not kill funnel (SIGPIPE), nor Ctrl-C in the pager end funnel
    // before it.
    struct sigaction ignore {
    }, pipe_before{}, interrupt_before{}, quit_before{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &pipe_before);
    ::sigaction(SIGINT, &ignore, &interrupt_before);
    ::sigaction(SIGQUIT, &ignore, &quit_before);
    std::size_t written = 0;
    while (written < text.size()) {
        const auto n = ::write(in.write, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += std::size_t(n);
    }
    in.close_write();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::sigaction(SIGPIPE, &pipe_before, nullptr);
    ::sigaction(SIGINT, &interrupt_before, nullptr);
    ::sigaction(SIGQUIT, &quit_before, nullptr);
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

}  // namespace funnel
