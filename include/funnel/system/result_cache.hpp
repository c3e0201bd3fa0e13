// Results that are slow to compute and follow from the data file alone (learned rates,
// backtests), kept between runs outside the data file, since reads never write it.
//
// One cache file per data file, valid for one state of it: its stamp, which changes with every
// committed change (Store::state_stamp). Whatever is amiss with the cache (no folder, no file,
// another stamp, damaged, unwritable) is a miss, never an error: the result is computed again.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace funnel {

class ResultCache {
  public:
    ResultCache() = default;  // keeps nothing
    // `file` holds the results of the data file in the state `stamp`.
    ResultCache(std::filesystem::path file, std::string stamp);

    bool enabled() const { return !file_.empty(); }
    std::optional<std::string> get(const std::string& key);
    // Keeps `value` under `key` for this state: the file is written whole under another name
    // (mode 0600) and renamed into place, so a reader sees the old file or the new one.
    void put(const std::string& key, const std::string& value);

    // Results kept at most; a state with more starts afresh.
    static constexpr std::size_t max_entries = 32;

  private:
    void load();
    std::filesystem::path file_;
    std::string stamp_;
    bool loaded_ = false;
    std::map<std::string, std::string> entries_;
};

// The cache file of `data_file`: in $FUNNEL_CACHE (nowhere when it is "off"), else
// $XDG_CACHE_HOME/funnel, else $HOME/.cache/funnel, named by the SHA-256 of the data file's
// absolute path. Nothing when no folder can be found. Empty values count as unset, as do
// relative XDG ones.
std::optional<std::filesystem::path> result_cache_file(const std::filesystem::path& data_file,
                                                       const char* funnel_cache,
                                                       const char* xdg_cache_home,
                                                       const char* home);

}  // namespace funnel
