#include "funnel/system/paths.hpp"

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

namespace {

bool set(const char* value) {
    return value && *value;
}

// The process id in a name NewDataFile gives (`.NAME.new-PID`, perhaps with a SQLite suffix),
// or 0 when the name is not one of them for `target_name`.
pid_t maker_of(std::string_view name, std::string_view target_name) {
    const std::string prefix = fmt::format(".{}.new-", target_name);
    if (!name.starts_with(prefix)) return 0;
    name.remove_prefix(prefix.size());
    for (std::string_view suffix : {"-wal", "-shm", "-journal"})
        if (name.ends_with(suffix)) {
            name.remove_suffix(suffix.size());
            break;
        }
    pid_t pid = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc() || end != name.data() + name.size() || pid <= 0) return 0;
    return pid;
}

}  // namespace

DataFileLocation locate_data_file(const std::string& option, const char* funnel_db,
                                  const char* configured, const char* xdg_data_home,
                                  const char* home) {
    if (!option.empty()) return {option, false};
    if (set(funnel_db)) return {funnel_db, false};
    if (set(configured)) return {configured, false};
    // The XDG base directory spec ignores relative values.
    if (set(xdg_data_home) && xdg_data_home[0] == '/')
        return {std::filesystem::path(xdg_data_home) / "funnel" / "funnel.db", true};
    if (set(home))
        return {std::filesystem::path(home) / ".local" / "share" / "funnel" / "funnel.db", true};
    throw invalid_input("no data file: give --db PATH or set FUNNEL_DB (HOME is not set)");
}

std::string expanded_home(const std::string& path, const char* home) {
    if (set(home) && (path == "~" || path.starts_with("~/"))) return home + path.substr(1);
    return path;
}

NewDataFile::NewDataFile(std::filesystem::path target) : target_(std::move(target)) {
    remove_abandoned_files(target_);
    path_ = target_;
    path_.replace_filename(fmt::format(".{}.new-{}", target_.filename().string(), ::getpid()));
}

NewDataFile::~NewDataFile() {
    std::error_code ignored;
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        std::filesystem::remove(path_.string() + suffix, ignored);
    if (!adopted_) std::filesystem::remove(path_, ignored);
}

void NewDataFile::adopt() {
    if (!try_adopt())
        throw conflict(
            fmt::format("{} was created by another process meanwhile; nothing was written (run the "
                        "command again)",
                        target_.string()));
}

bool NewDataFile::try_adopt() {
    // link() never replaces a file: a data file another process made meanwhile is kept.
    if (::link(path_.c_str(), target_.c_str()) != 0) {
        if (errno == EEXIST) return false;
        throw runtime_failure(
            fmt::format("cannot create {}: {}", target_.string(), std::strerror(errno)));
    }
    adopted_ = true;
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    return true;
}

void require_data_folder(const std::filesystem::path& file) {
    const auto parent = file.parent_path();
    std::error_code ignored;
    if (parent.empty() || std::filesystem::is_directory(parent, ignored)) return;
    throw not_found(fmt::format(
        "cannot create data file {}: folder {} does not exist (check --db and FUNNEL_DB, or "
        "create the folder first)",
        file.string(), parent.string()));
}

int remove_abandoned_files(const std::filesystem::path& target) {
    const std::string target_name = target.filename().string();
    auto folder = target.parent_path();
    if (folder.empty()) folder = ".";
    std::error_code error;
    std::filesystem::directory_iterator entries(folder, error);
    if (error) return 0;
    int removed = 0;
    for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        const pid_t pid = maker_of(name, target_name);
        // kill(pid, 0) fails with ESRCH only when no such process exists.
        if (pid == 0 || pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
        std::error_code ignored;
        if (std::filesystem::remove(entry.path(), ignored)) ++removed;
    }
    return removed;
}

}  // namespace funnel
