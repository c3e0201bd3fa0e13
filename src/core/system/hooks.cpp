#include "funnel/system/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "funnel/error.hpp"
#include "system/pipe.hpp"

extern char** environ;

namespace funnel {

std::optional<std::filesystem::path> hooks_folder(const char* xdg_config_home, const char* home) {
    if (xdg_config_home && *xdg_config_home)
        return std::filesystem::path(xdg_config_home) / "funnel" / "hooks";
    if (home && *home) return std::filesystem::path(home) / ".config" / "funnel" / "hooks";
    return std::nullopt;
}

HookRun run_hook(const std::filesystem::path& program, const std::string& input,
                 int timeout_seconds) {
    Pipe in("a hook"), err("a hook");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group, so that a timeout ends whatever it started too.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const std::string path = program.string();
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0)
        throw runtime_failure(fmt::format("cannot run hook {}: {}", path, std::strerror(spawned)));
    in.close_read();
    err.close_write();
    ::fcntl(in.write, F_SETFL, O_NONBLOCK);

    // A hook that exits without reading its input must not kill funnel with SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);

    HookRun run;
    std::string errors;
    bool have_first_line = false;
    std::size_t written = 0;
    if (input.empty()) in.close_write();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (err.read >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            run.timed_out = true;
            break;
        }
        pollfd fds[2] = {{err.read, POLLIN, 0}, {in.write, POLLOUT, 0}};
        const int count = ::poll(fds, in.write >= 0 ? 2 : 1, int(std::min<long long>(left, 100)));
        if (count < 0 && errno != EINTR) break;
        if (in.write >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const auto n = ::write(in.write, input.data() + written, input.size() - written);
            if (n > 0) written += std::size_t(n);
            if (n < 0 && errno != EAGAIN && errno != EINTR) written = input.size();
            if (written >= input.size()) in.close_write();
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buffer[4096];
            const auto n = ::read(err.read, buffer, sizeof buffer);
            if (n <= 0) {
                err.close_read();
                break;
            }
            [[maybe_unused]] const auto shown = ::write(STDERR_FILENO, buffer, std::size_t(n));
            if (!have_first_line) {
                errors.append(buffer, std::size_t(n));
                if (errors.find('\n') != std::string::npos || errors.size() > 1000)
                    have_first_line = true;
            }
        }
    }
    in.close_write();
    int status = 0;
    while (!run.timed_out) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            run.timed_out = true;
            break;
        }
        ::usleep(2000);
    }
    if (run.timed_out) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    ::sigaction(SIGPIPE, &previous, nullptr);
    run.exit_status = WIFEXITED(status)     ? WEXITSTATUS(status)
                      : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                            : 1;
    run.first_error_line = errors.substr(0, std::min(errors.find('\n'), std::size_t(300)));
    return run;
}

}  // namespace funnel
