// The config file: any text is read or refused with Error, and a key set or unset in a file that
// reads leaves a file that reads, with that key changed and every other value as it was.
#include <string>
#include <vector>

#include "funnel/formats/config.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

namespace {

// The values of every key, as read; traps when a value reads differently than it was checked.
std::vector<std::string> values_of(const Config& config) {
    std::vector<std::string> values;
    for (const auto& key : config_keys()) {
        const auto* value = config.find(key.name);
        if (value && checked_config_value(key, value->text) != value->text) __builtin_trap();
        values.push_back(value ? value->text : std::string("\x01unset"));
    }
    return values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(fuzz::text(data, size));
    const std::filesystem::path file = "config.toml";
    fuzz::refusing([&] {
        const auto before = values_of(Config::parse(text, file));
        // Each key set to a value of its own, and unset, in turn.
        const auto keys = config_keys();
        const ConfigKey& key = keys[size % keys.size()];
        const std::string value = key.name == "week_start"   ? "sunday"
                                  : key.name == "currency"   ? "USD"
                                  : key.name == "format"     ? "csv"
                                  : key.name == "color"      ? "never"
                                  : key.name == "date_order" ? "mdy"
                                                             : "a \"quoted\" \\ value";
        const std::string with = config_text_with(text, key, value, file);
        auto after = values_of(Config::parse(with, file));
        const std::size_t index = std::size_t(&key - keys.data());
        if (after[index] != checked_config_value(key, value)) __builtin_trap();
        after[index] = before[index];
        if (after != before) __builtin_trap();
        const auto without = config_text_without(with, key.name, file);
        if (!without) __builtin_trap();
        auto removed = values_of(Config::parse(*without, file));
        if (removed[index] != "\x01unset") __builtin_trap();
        removed[index] = before[index];
        if (removed != before) __builtin_trap();
    });
    return 0;
}
