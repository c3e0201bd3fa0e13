// The config file: $FUNNEL_CONFIG, else $XDG_CONFIG_HOME/funnel/config.toml, else
// ~/.config/funnel/config.toml. Its keys are the defaults of one person's funnel; options beat
// the environment, which beats the file, which beats funnel's own defaults.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace funnel {

struct ConfigKey {
    std::string_view name;         // "list.sort"
    std::string_view environment;  // the variable that beats the file: "FUNNEL_LIST_SORT"
    std::string_view fallback;     // what applies when neither sets it, as said to people
    std::string_view description;
};

// Every key, in the order `config list` shows them.
std::span<const ConfigKey> config_keys();
// The key of this name; Error(invalid) naming the closest one when there is none.
const ConfigKey& config_key(std::string_view name);

// A value checked for its key and put in the form kept: "EUR" for "eur", "sunday" for "Sun",
// "false" for a pager turned off. Error(invalid) saying what is expected.
std::string checked_config_value(const ConfigKey& key, std::string_view value);

// $FUNNEL_CONFIG, else $XDG_CONFIG_HOME/funnel/config.toml, else ~/.config/funnel/config.toml;
// nothing when neither HOME nor the others are set.
std::optional<std::filesystem::path> config_file_path(const char* funnel_config,
                                                      const char* xdg_config_home,
                                                      const char* home);

class Config {
  public:
    struct Value {
        std::string text;
        int line = 0;
    };

    Config() = default;
    // Reads and checks the file; a file that does not exist is an empty config. A file that is
    // not TOML, a key funnel does not know, or a value that is not one its key takes:
    // Error(invalid) "FILE line N: KEY: what is wrong".
    static Config load(const std::filesystem::path& file);
    // The same, from the text of the file named `file`.
    static Config parse(const std::string& text, const std::filesystem::path& file);

    const std::filesystem::path& file() const { return file_; }
    const Value* find(std::string_view key) const;
    // "FILE line N", for a message about a value checked where it is used (list.where).
    std::string where(std::string_view key) const;

  private:
    std::filesystem::path file_;
    std::map<std::string, Value, std::less<>> values_;
};

// Sets a key in the file, checked first, keeping everything else in it as it was: comments,
// order, other keys. Creates the file (readable by its owner only) and its folder when missing;
// the file is replaced whole, never left half-written.
void set_config_value(const std::filesystem::path& file, const ConfigKey& key,
                      std::string_view value);
// Removes a key from the file the same way, whether funnel knows it or not (a misspelt one is
// removed too); false when the file did not set it.
bool unset_config_value(const std::filesystem::path& file, std::string_view name);

// What set_config_value and unset_config_value write: the text of the file named `file` with
// the key set, or without it (nothing when it was not set). Error(invalid) as they say.
std::string config_text_with(std::string text, const ConfigKey& key, std::string_view value,
                             const std::filesystem::path& file);
std::optional<std::string> config_text_without(std::string text, std::string_view name,
                                               const std::filesystem::path& file);

}  // namespace funnel
