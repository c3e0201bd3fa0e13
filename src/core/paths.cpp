#include "funnel/paths.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

namespace {
bool set(const char* value) {
    return value && *value;
}
}  // namespace

std::filesystem::path data_file_path(const std::string& option, const char* funnel_db,
                                     const char* xdg_data_home, const char* home) {
    if (!option.empty()) return option;
    if (set(funnel_db)) return funnel_db;
    // The XDG base directory spec ignores relative values.
    if (set(xdg_data_home) && xdg_data_home[0] == '/')
        return std::filesystem::path(xdg_data_home) / "funnel" / "funnel.db";
    if (set(home)) return std::filesystem::path(home) / ".local" / "share" / "funnel" / "funnel.db";
    throw invalid_input("no data file: give --db PATH or set FUNNEL_DB (HOME is not set)");
}

NewDataFile::NewDataFile(std::filesystem::path target) : target_(std::move(target)) {
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

}  // namespace funnel
