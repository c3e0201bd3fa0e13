#include "session.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/system/hooks.hpp"
#include "funnel/system/pager.hpp"
#include "funnel/system/paths.hpp"

namespace funnel::cli {

namespace {

const char* env(const char* name) {
    return std::getenv(name);
}

bool env_set(const char* name) {
    const char* value = env(name);
    return value && *value;
}

bool use_color(const std::string& when) {
    const std::string word = ascii_lower(when);
    if (word == "always") return true;
    if (word == "never") return false;
    if (word != "auto")
        throw invalid_input(
            fmt::format("invalid --color {}: expected auto, always or never", in_quotes(when)));
    const char* term = env("TERM");
    return ::isatty(STDOUT_FILENO) && !env_set("NO_COLOR") &&
           !(term && std::string_view(term) == "dumb");
}

// The first of LC_ALL, LC_CTYPE and LANG that is set decides the character set.
bool utf8_locale() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        if (!env_set(name)) continue;
        const std::string value = ascii_lower(env(name));
        return value.find("utf-8") != std::string::npos || value.find("utf8") != std::string::npos;
    }
    return false;
}

// The pager: the config's (or FUNNEL_PAGER), else $PAGER, else less -FRX; none when it is
// turned off or its program is not installed.
std::optional<std::string> pager_command(const std::optional<Setting>& configured) {
    std::string command;
    if (configured && configured->value == "false") return std::nullopt;
    if (configured && configured->value != "true")
        command = configured->value;
    else if (const char* pager = env("PAGER"))
        command = pager;
    else
        command = "less -FRX";
    const auto words = split(std::string(trim(command)), ' ');
    if (words.front().empty() || words.front() == "cat" || !in_path(words.front()))
        return std::nullopt;
    return command;
}

}  // namespace

PagedOutput::PagedOutput(const Session& session) : pager_(session.pager()) {
    lines_ = session.screen_lines();
    if (pager_ && lines_) previous_ = std::cout.rdbuf(kept_.rdbuf());
}

PagedOutput::~PagedOutput() {
    restore();
}

void PagedOutput::restore() {
    if (!previous_) return;
    std::cout.rdbuf(previous_);
    previous_ = nullptr;
    std::cout << kept_.view();
    kept_.str({});
}

void PagedOutput::finish() {
    if (!previous_) return;
    const std::string_view text = kept_.view();
    const auto lines = std::size_t(std::count(text.begin(), text.end(), '\n'));
    // One line stays for the prompt, as less -F counts.
    if (lines >= lines_) {
        std::cout.rdbuf(previous_);
        previous_ = nullptr;
        std::cout.flush();
        ::setenv("LESS", "FRX", 0);  // colour and one screen, as git sets them
        if (run_pager(*pager_, text)) {
            kept_.str({});
            return;
        }
        std::cout << text;
        kept_.str({});
        return;
    }
    restore();
}

Session::Session(const GlobalOptions& options) {
    config_file_ = config_file_path(env("FUNNEL_CONFIG"), env("XDG_CONFIG_HOME"), env("HOME"));
    if (config_file_) {
        try {
            config_ = Config::load(*config_file_);
        } catch (const Error& e) {
            if (!options.config_unchecked) throw;
            config_error_ = e.what();
        }
    }
    if (!options.db.empty()) options_given_["db"] = options.db;
    if (!options.format.empty()) options_given_["format"] = options.format;
    if (options.json) options_given_["format"] = "json";
    if (!options.color.empty()) options_given_["color"] = options.color;
    const auto configured_db = setting("db");
    std::string db_file;
    if (configured_db && configured_db->source == SettingSource::file)
        db_file = expanded_home(configured_db->value, env("HOME"));
    const auto location =
        locate_data_file(options.db, env("FUNNEL_DB"), db_file.empty() ? nullptr : db_file.c_str(),
                         env("XDG_DATA_HOME"), env("HOME"));
    data_file_ = location.path;
    command_line_ = options.command_line;
    if (!options.no_hooks && !env_set("FUNNEL_NO_HOOKS"))
        hooks_ = hooks_folder(env("XDG_CONFIG_HOME"), env("HOME"));
    if (env_set("FUNNEL_HOOK_TIMEOUT")) {
        const std::string seconds = env("FUNNEL_HOOK_TIMEOUT");
        if (seconds.empty() || seconds.size() > 4 ||
            seconds.find_first_not_of("0123456789") != std::string::npos || std::stoi(seconds) < 1)
            throw invalid_input(fmt::format(
                "invalid FUNNEL_HOOK_TIMEOUT {}: expected a whole number of seconds, 1 or more",
                in_quotes(seconds)));
        hook_timeout_seconds_ = std::stoi(seconds);
    }
    default_data_file_ = location.is_default;
    // Quarters and years follow the file's fiscal year, weeks and numeric dates the config,
    // from the first date read.
    set_fiscal_start_source([file = data_file_] { return Store::fiscal_start_of(file); });
    if (const auto order = setting("date_order"))
        set_date_order(order->value == "dmy" ? DateOrder::dmy : DateOrder::mdy);
    if (const auto day = setting("week_start")) set_week_start(*weekday_named(day->value));
    // --today beats FUNNEL_TODAY, and a relative one (--today=-30d) counts from it: what a
    // script pinned to a day means by "30 days ago".
    today_ = system_today();
    if (env_set("FUNNEL_TODAY")) {
        today_ = parse_date_option("FUNNEL_TODAY", env("FUNNEL_TODAY"), today_);
        today_pinned_ = true;
    }
    if (!options.today.empty()) {
        today_ = parse_date_option("--today", options.today, today_);
        today_pinned_ = true;
    }
    if (iequals(options.format, "ics")) {
        if (!options.ics_allowed)
            throw invalid_input("invalid --format 'ics': only funnel calendar writes iCalendar");
        ics_ = true;
    } else if (!options.format.empty()) {
        format_ = parse_option("--format", options.format, parse_format);
    } else if (const auto configured = setting("format"); configured && !options.json) {
        format_ = parse_format(configured->value);
    }
    if (options.json) {
        if (!options.format.empty() && format_ != Format::json)
            throw invalid_input(fmt::format("--json contradicts --format {}", options.format));
        format_ = Format::json;
    }
    format_given_ = !options.format.empty() || options.json;
    quiet_ = options.quiet;
    const auto color = setting("color");
    render_options_.color = use_color(color ? color->value : "auto");
    if (const auto terminal = output_terminal()) {
        if (format_ == Format::table && !options.wide) render_options_.width = terminal->columns;
        screen_lines_ = terminal->lines;
        if (!options.no_pager) pager_ = pager_command(setting("pager"));
    }
    render_options_.unicode = utf8_locale();
    render_options_.raw = options.raw;
}

std::optional<Setting> Session::setting(std::string_view name) const {
    const ConfigKey& key = config_key(name);
    if (const auto given = options_given_.find(name); given != options_given_.end())
        return Setting{given->second, SettingSource::option, "option --" + std::string(name)};
    const std::string variable(key.environment);
    if (env_set(variable.c_str())) {
        try {
            return Setting{checked_config_value(key, env(variable.c_str())),
                           SettingSource::environment, variable};
        } catch (const Error& e) {
            throw invalid_input(fmt::format("invalid {} {}: {}", variable,
                                            in_quotes(env(variable.c_str())), e.what()));
        }
    }
    if (const auto* value = config_.find(name))
        return Setting{value->text, SettingSource::file, config_.where(name), value->line};
    return std::nullopt;
}

std::string Session::default_owner() const {
    if (const auto owner = setting("owner")) return owner->value;
    if (env_set("USER")) return env("USER");
    return {};
}

Currency Session::new_currency(Store& store) const {
    if (const auto currency = setting("currency")) return Currency::parse(currency->value);
    return store.default_currency();
}

Store Session::read_store() const {
    return Store::open(data_file_, Store::Access::read);
}
ResultCache Session::result_cache(Store& store) const {
    const auto file =
        result_cache_file(data_file_, env("FUNNEL_CACHE"), env("XDG_CACHE_HOME"), env("HOME"));
    if (!file) return {};
    auto stamp = store.state_stamp();
    if (!stamp) return {};
    return ResultCache(*file, std::move(*stamp));
}
Store Session::write_store() const {
    Store store =
        Store::open(data_file_, Store::Access::write,
                    default_data_file_ ? Store::Folders::create : Store::Folders::must_exist);
    record_changes(store);
    return store;
}

void Session::record_changes(Store& store) const {
    store.record_changes_as(command_line_.empty() ? "funnel" : command_line_, now());
}

void Session::require_data_folder() const {
    if (!default_data_file_) funnel::require_data_folder(data_file_);
}

Timestamp Session::now() const {
    return today_pinned_ ? timestamp_at_start_of(today_) : system_now();
}

std::ostream& Session::out() const {
    return std::cout;
}

bool Session::data_file_ready() const {
    std::error_code error;
    const auto size = std::filesystem::file_size(data_file_, error);
    return !error && size > 0;
}

void Session::note(const std::string& message) const {
    if (buffering_notes_) {
        notes_.push_back(message);
    } else if (!quiet_) {
        // What was printed before the note comes before it on a terminal too.
        std::cout.flush();
        std::cerr << "funnel: " << message << '\n';
    }
}

void Session::hook(std::string_view event, const std::optional<Record>& before,
                   const std::optional<Record>& after) const {
    if (!hooks_) return;
    // Nothing is gathered for an event no hook waits for: a bulk change stays as fast.
    if (event != hook_event_) {
        hook_event_ = event;
        hook_wanted_ = false;
        for (const char* when : {"pre", "post"})
            if (::access((*hooks_ / fmt::format("{}-{}", when, event)).c_str(), X_OK) == 0)
                hook_wanted_ = true;
    }
    if (!hook_wanted_) return;
    const auto json = [&](const std::optional<Record>& record) -> std::string {
        if (!record) return "null";
        std::ostringstream out;
        render_record(Format::json, out, RenderOptions{}, *record);
        std::string text = out.str();
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        return text;
    };
    hook_changes_.push_back(
        fmt::format("{{\"before\": {}, \"after\": {}}}", json(before), json(after)));
}

void Session::run_hooks(std::string_view when) const {
    if (!hooks_ || hook_changes_.empty()) return;
    const std::string name = fmt::format("{}-{}", when, hook_event_);
    const auto program = *hooks_ / name;
    if (::access(program.c_str(), X_OK) != 0) return;
    const std::string input = fmt::format(
        "{{\"event\": {}, \"when\": {}, \"command\": {}, \"data_file\": {}, \"changes\": "
        "[\n{}\n]}}\n",
        json_string(hook_event_), json_string(when), json_string(command_line_),
        json_string(data_file_.string()), join(hook_changes_, ",\n"));
    const HookRun run = run_hook(program, input, hook_timeout_seconds_);
    const std::string why =
        run.timed_out ? fmt::format("it ran past its time limit of {} s (FUNNEL_HOOK_TIMEOUT)",
                                    hook_timeout_seconds_)
        : run.first_error_line.empty() ? fmt::format("exit status {}", run.exit_status)
                                       : run.first_error_line;
    if (when == "pre" && (run.timed_out || run.exit_status != 0))
        throw conflict(
            fmt::format("hook {} refused the change: {}; nothing was written", name, why));
    if (run.timed_out || run.exit_status != 0)
        note(fmt::format("hook {} failed after the change was written: {}", name, why));
}

void Session::buffer_notes() const {
    buffering_notes_ = true;
    notes_.clear();
}

void Session::note_created() const {
    notes_.insert(notes_.begin(), fmt::format("created data file {}", data_file_.string()));
}

void Session::flush_notes(const Store& store) const {
    if (store.created_file()) note_created();
    flush_notes();
}

void Session::flush_notes() const {
    buffering_notes_ = false;
    for (const auto& message : notes_)
        note(message);
    notes_.clear();
}

bool Session::stdin_is_terminal() const {
    return ::isatty(STDIN_FILENO);
}

bool Session::confirm(const std::string& question) const {
    if (!stdin_is_terminal()) return false;
    std::cerr << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    const std::string word = ascii_lower(trim(answer));
    return word == "y" || word == "yes";
}

void Session::confirm_delete(bool yes, const std::string& what, const std::string& question) const {
    if (yes) return;
    if (!stdin_is_terminal())
        throw invalid_input(fmt::format("not deleting {} without --yes", what));
    if (!confirm(question)) throw conflict(fmt::format("{} not deleted: declined", what));
}

void Session::print(const Table& table) const {
    render_table(format_, out(), render_options_, table);
}

void Session::print(const Record& record) const {
    render_record(format_, out(), render_options_, record);
}

}  // namespace funnel::cli
