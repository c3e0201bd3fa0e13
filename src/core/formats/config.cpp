#include "funnel/formats/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
// Header-only (CMakeLists.txt says why).
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "funnel/domain/date.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/render.hpp"

namespace funnel {

namespace {

constexpr std::array<ConfigKey, 11> keys{{
    {"db", "FUNNEL_DB", "$XDG_DATA_HOME/funnel/funnel.db", "The data file"},
    {"owner", "FUNNEL_USER", "$USER", "Owner of new deals and activities"},
    {"currency", "FUNNEL_CURRENCY", "the data file's (db info)",
     "Currency of new deals and products when none is given"},
    {"format", "FUNNEL_FORMAT", "table",
     "Output format: table, json, jsonl, csv, tsv, markdown or html"},
    {"color", "FUNNEL_COLOR", "auto", "Colour: auto, always or never"},
    {"pager", "FUNNEL_PAGER", "$PAGER, else less -FRX",
     "Pager for tables longer than the terminal, or false"},
    {"date_order", "FUNNEL_DATE_ORDER", "the one order that makes a day",
     "How 01.02.2027 and 01/02/2027 are read: dmy or mdy"},
    {"week_start", "FUNNEL_WEEK_START", "monday", "First day of the week (sow, eow)"},
    {"list.columns", "FUNNEL_LIST_COLUMNS", "the standard columns", "Columns of opp list"},
    {"list.sort", "FUNNEL_LIST_SORT", "close", "Order of opp list"},
    {"list.where", "FUNNEL_LIST_WHERE", "every open deal", "Filter of opp list, as --where"},
}};

std::string one_of(std::string_view value, std::initializer_list<std::string_view> words) {
    const std::string word = ascii_lower(trim(value));
    for (auto allowed : words)
        if (word == allowed) return word;
    std::vector<std::string> names(words.begin(), words.end() - 1);
    throw invalid_input(fmt::format("expected {} or {}", join(names, ", "), *(words.end() - 1)));
}

// The file's text; empty when there is no file, or none that can be seen (a HOME that this
// user may not enter).
std::string read_text(const std::filesystem::path& file) {
    std::error_code unseen;
    if (!std::filesystem::exists(file, unseen)) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw runtime_failure(fmt::format("cannot read {}", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

toml::table parsed(const std::string& text, const std::filesystem::path& file) {
    try {
        return toml::parse(std::string_view(text), std::string_view(file.string()));
    } catch (const toml::parse_error& e) {
        throw invalid_input(
            fmt::format("{} line {}: {}", file.string(), e.source().begin.line, e.description()));
    }
}

// A value of the file as text, or what is wrong with its kind.
std::string text_of(const toml::node& node, const ConfigKey& key) {
    if (const auto* text = node.as_string()) return text->get();
    if (const auto* flag = node.as_boolean(); flag && key.name == "pager")
        return flag->get() ? "true" : "false";
    throw invalid_input(key.name == "pager" ? "expected a command in quotes, or false"
                                            : "expected a value in quotes");
}

// Every key-value pair of the file, with its full name: "list.sort".
template <typename Visit>
void each_value(const toml::table& root, Visit&& visit) {
    for (const auto& [name, node] : root) {
        if (const auto* table = node.as_table()) {
            for (const auto& [inner, value] : *table)
                visit(fmt::format("{}.{}", name.str(), inner.str()), value);
        } else {
            visit(std::string(name.str()), node);
        }
    }
}

// The byte offset of a line and column (both from 1; columns count characters) in text.
std::size_t offset_of(const std::string& text, std::size_t line, std::size_t column) {
    std::size_t at = 0;
    for (std::size_t l = 1; l < line && at < text.size(); ++l) {
        at = text.find('\n', at);
        at = at == std::string::npos ? text.size() : at + 1;
    }
    for (std::size_t c = 1; c < column && at < text.size(); ++c) {
        ++at;
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
            ++at;
    }
    return at;
}

std::size_t start_of_line(const std::string& text, std::size_t line) {
    return offset_of(text, line, 1);
}

// A value as TOML writes it: a basic string with its escapes, or false/true for the pager.
std::string toml_value(const ConfigKey& key, const std::string& value) {
    if (key.name == "pager" && (value == "false" || value == "true")) return value;
    std::string out = "\"";
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            out += fmt::format("\\{}", c);
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (byte < 0x20 || byte == 0x7F)
            out += fmt::format("\\u{:04X}", byte);
        else
            out += c;
    }
    return out + "\"";
}

// Where a line for a new top-level key goes: before the first table header and the blank and
// comment lines just above it, which belong to the table; else at the end.
std::size_t before_first_table(const std::string& text) {
    std::vector<std::size_t> starts;  // of the lines before the header
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        if (trim(std::string_view(text).substr(at, end - at)).starts_with("[")) {
            while (!starts.empty()) {
                const auto line =
                    trim(std::string_view(text).substr(starts.back(), at - starts.back()));
                if (!line.empty() && !line.starts_with("#")) break;
                at = starts.back();
                starts.pop_back();
            }
            return at;
        }
        starts.push_back(at);
        at = end + 1;
    }
    return text.size();
}

// The offset just after the header line "[table]", if the file has one.
std::optional<std::size_t> after_header(const std::string& text, std::string_view table) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        std::string_view line = trim(std::string_view(text).substr(at, end - at));
        if (const auto comment = line.find('#'); comment != std::string_view::npos)
            line = trim(line.substr(0, comment));
        if (line.size() > 2 && line.front() == '[' && line.back() == ']' && line[1] != '[' &&
            trim(line.substr(1, line.size() - 2)) == table)
            return std::min(end + 1, text.size());
        at = end + 1;
    }
    return std::nullopt;
}

void insert_line(std::string& text, std::size_t at, const std::string& line) {
    if (at > 0 && text[at - 1] != '\n') {
        text.insert(at, "\n");
        ++at;
    }
    text.insert(at, line + "\n");
}

void write_whole(const std::filesystem::path& file, const std::string& text) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    const auto temporary = file.string() + fmt::format(".new-{}", ::getpid());
    mode_t mode = 0600;
    struct stat status {};
    if (::stat(file.c_str(), &status) == 0) mode = status.st_mode & 07777;
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw runtime_failure(fmt::format("cannot write {}", file.string()));
    std::size_t written = 0;
    while (written < text.size()) {
        const auto n = ::write(fd, text.data() + written, text.size() - written);
        if (n <= 0) break;
        written += std::size_t(n);
    }
    const bool ok = written == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(temporary.c_str(), file.c_str()) != 0) {
        ::unlink(temporary.c_str());
        throw runtime_failure(fmt::format("cannot write {}", file.string()));
    }
}

struct Found {
    const toml::node* node = nullptr;
    bool inline_table = false;
    bool table_exists = false;
};

Found find_in(const toml::table& root, std::string_view name) {
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) return {root.get(name), false, false};
    const auto* table = root.get_as<toml::table>(name.substr(0, dot));
    if (!table) return {};
    return {table->get(name.substr(dot + 1)), table->is_inline(), true};
}

}  // namespace

std::span<const ConfigKey> config_keys() {
    return keys;
}

const ConfigKey& config_key(std::string_view name) {
    std::vector<std::string> names;
    for (const auto& key : keys) {
        if (key.name == name) return key;
        names.emplace_back(key.name);
    }
    if (const auto suggestion = closest_name(name, names))
        throw invalid_input(fmt::format("unknown key {}; did you mean {}?", in_quotes(name),
                                        in_quotes(*suggestion)));
    throw invalid_input(
        fmt::format("unknown key {}; the keys are {}", in_quotes(name), join(names, ", ")));
}

std::string checked_config_value(const ConfigKey& key, std::string_view value) {
    const std::string_view name = key.name;
    if (name == "currency") return std::string(Currency::parse(value).code());
    if (name == "format") return std::string(to_string(parse_format(trim(value))));
    if (name == "color") return one_of(value, {"auto", "always", "never"});
    if (name == "date_order") return one_of(value, {"dmy", "mdy"});
    if (name == "week_start") {
        static constexpr std::array<std::string_view, 7> days{
            "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
        if (const auto day = weekday_named(value)) return std::string(days[*day]);
        throw invalid_input("expected a day of the week, such as monday or sunday");
    }
    if (name == "pager") {
        const std::string word = ascii_lower(trim(value));
        if (word == "false" || word == "off" || word == "no") return "false";
        if (word == "true" || word == "on" || word == "yes") return "true";
    }
    if (trim(value).empty()) throw invalid_input("must not be empty");
    if (value.find('\n') != std::string_view::npos) throw invalid_input("must be one line");
    return std::string(trim(value));
}

std::optional<std::filesystem::path> config_file_path(const char* funnel_config,
                                                      const char* xdg_config_home,
                                                      const char* home) {
    if (funnel_config && *funnel_config) return std::filesystem::path(funnel_config);
    // The XDG base directory spec ignores relative values.
    if (xdg_config_home && xdg_config_home[0] == '/')
        return std::filesystem::path(xdg_config_home) / "funnel" / "config.toml";
    if (home && *home) return std::filesystem::path(home) / ".config" / "funnel" / "config.toml";
    return std::nullopt;
}

Config Config::load(const std::filesystem::path& file) {
    Config config;
    config.file_ = file;
    const std::string text = read_text(file);
    if (text.empty()) return config;
    const toml::table root = parsed(text, file);
    each_value(root, [&](const std::string& name, const toml::node& node) {
        const auto line = int(node.source().begin.line);
        const ConfigKey* key = nullptr;
        try {
            key = &config_key(name);
        } catch (const Error& e) {
            throw invalid_input(fmt::format("{} line {}: {}", file.string(), line, e.what()));
        }
        try {
            config.values_[name] = {checked_config_value(*key, text_of(node, *key)), line};
        } catch (const Error& e) {
            throw invalid_input(
                fmt::format("{} line {}: {}: {}", file.string(), line, name, e.what()));
        }
    });
    return config;
}

const Config::Value* Config::find(std::string_view key) const {
    const auto found = values_.find(key);
    return found == values_.end() ? nullptr : &found->second;
}

std::string Config::where(std::string_view key) const {
    const Value* value = find(key);
    return fmt::format("{} line {}", file_.string(), value ? value->line : 0);
}

void set_config_value(const std::filesystem::path& file, const ConfigKey& key,
                      std::string_view value) {
    const std::string kept = checked_config_value(key, value);
    std::string text = read_text(file);
    const toml::table root = parsed(text, file);
    const Found found = find_in(root, key.name);
    if (found.inline_table)
        throw invalid_input(fmt::format("{}: {} is in an inline table; change it by hand",
                                        file.string(), key.name));
    const std::string written = toml_value(key, kept);
    if (found.node) {
        const auto region = found.node->source();
        const auto begin = offset_of(text, region.begin.line, region.begin.column);
        const auto end = offset_of(text, region.end.line, region.end.column);
        text.replace(begin, end - begin, written);
    } else if (const auto dot = key.name.find('.'); dot == std::string_view::npos) {
        insert_line(text, before_first_table(text), fmt::format("{} = {}", key.name, written));
    } else if (const auto header = after_header(text, key.name.substr(0, dot))) {
        insert_line(text, *header, fmt::format("{} = {}", key.name.substr(dot + 1), written));
    } else if (found.table_exists) {
        insert_line(text, before_first_table(text), fmt::format("{} = {}", key.name, written));
    } else {
        if (!text.empty()) text += text.back() == '\n' ? "\n" : "\n\n";
        text += fmt::format("[{}]\n{} = {}\n", key.name.substr(0, dot), key.name.substr(dot + 1),
                            written);
    }
    parsed(text, file);  // what is written must read back
    write_whole(file, text);
}

bool unset_config_value(const std::filesystem::path& file, std::string_view name) {
    std::string text = read_text(file);
    if (text.empty()) return false;
    const toml::table root = parsed(text, file);
    const Found found = find_in(root, name);
    if (!found.node) return false;
    if (found.inline_table)
        throw invalid_input(
            fmt::format("{}: {} is in an inline table; change it by hand", file.string(), name));
    const auto region = found.node->source();
    const auto begin = start_of_line(text, region.begin.line);
    const auto end = start_of_line(text, region.end.line + 1);
    text.erase(begin, end - begin);
    parsed(text, file);
    write_whole(file, text);
    return true;
}

}  // namespace funnel
