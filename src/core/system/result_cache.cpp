#include "funnel/system/result_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "funnel/system/digest.hpp"

namespace funnel {

namespace {

constexpr std::string_view cache_format = "funnel-results";
constexpr int cache_version = 1;

bool given(const char* value) {
    return value && *value;
}

// Writes all of `bytes` to a new file at `path`, owner-only; false on any failure.
bool write_private(const std::filesystem::path& path, const std::string& bytes) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    std::string_view rest = bytes;
    bool ok = true;
    while (ok && !rest.empty()) {
        const ssize_t written = ::write(fd, rest.data(), rest.size());
        if (written < 0 && errno == EINTR) continue;
        ok = written > 0;
        if (ok) rest.remove_prefix(std::size_t(written));
    }
    return ::close(fd) == 0 && ok;
}

}  // namespace

ResultCache::ResultCache(std::filesystem::path file, std::string stamp)
    : file_(std::move(file)), stamp_(std::move(stamp)) {}

void ResultCache::load() {
    if (loaded_) return;
    loaded_ = true;
    std::ifstream in(file_, std::ios::binary);
    if (!in) return;
    std::stringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (!json.is_object() || json.value("format", "") != cache_format ||
        json.value("version", 0) != cache_version || json.value("stamp", "") != stamp_)
        return;
    const auto found = json.find("results");
    if (found == json.end() || !found->is_object()) return;
    for (const auto& [key, value] : found->items())
        if (value.is_string()) entries_[key] = value.get<std::string>();
}

std::optional<std::string> ResultCache::get(const std::string& key) {
    if (!enabled()) return std::nullopt;
    load();
    const auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    return found->second;
}

void ResultCache::put(const std::string& key, const std::string& value) {
    if (!enabled()) return;
    load();
    if (entries_.size() >= max_entries && !entries_.count(key)) entries_.clear();
    entries_[key] = value;
    nlohmann::json json = {{"format", cache_format},
                           {"version", cache_version},
                           {"stamp", stamp_},
                           {"results", entries_}};
    std::error_code error;
    const auto folder = file_.parent_path();
    if (std::filesystem::create_directories(folder, error))
        std::filesystem::permissions(folder, std::filesystem::perms::owner_all, error);
    const auto temporary =
        folder / fmt::format(".{}.new-{}", file_.filename().string(), ::getpid());
    if (!write_private(temporary, json.dump()) ||
        (std::filesystem::rename(temporary, file_, error), error))
        std::filesystem::remove(temporary, error);
}

std::optional<std::filesystem::path> result_cache_file(const std::filesystem::path& data_file,
                                                       const char* funnel_cache,
                                                       const char* xdg_cache_home,
                                                       const char* home) {
    std::filesystem::path folder;
    if (given(funnel_cache)) {
        if (std::string_view(funnel_cache) == "off") return std::nullopt;
        folder = funnel_cache;
    } else if (given(xdg_cache_home) && xdg_cache_home[0] == '/') {
        folder = std::filesystem::path(xdg_cache_home) / "funnel";
    } else if (given(home)) {
        folder = std::filesystem::path(home) / ".cache" / "funnel";
    } else {
        return std::nullopt;
    }
    std::error_code error;
    const auto absolute = std::filesystem::absolute(data_file, error);
    if (error) return std::nullopt;
    return folder / (sha256_hex(absolute.lexically_normal().string()).substr(0, 32) + ".json");
}

}  // namespace funnel
