// What every command is given: where the data file is, what day it is, and how to print.
// One place decides terminal, colour, format and quiet mode.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"
#include "funnel/formats/config.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/formats/table.hpp"
#include "funnel/store/store.hpp"
#include "funnel/system/paths.hpp"
#include "funnel/system/result_cache.hpp"

namespace funnel::cli {

// The options accepted before or after any subcommand.
struct GlobalOptions {
    std::string db;
    std::string format;
    bool json = false;
    std::string color;  // empty: not given
    std::string today;
    bool quiet = false;
    bool raw = false;
    bool ics_allowed = false;  // set by the one command that writes iCalendar
    std::string command_line;  // the command as typed, which change sets are named by
    bool no_hooks = false;
    bool wide = false;              // tables as wide as their text, not cut to the terminal
    bool no_pager = false;          // never through the pager
    bool config_unchecked = false;  // set by the config commands, which must work on a bad file
};

// Where a setting's value came from, strongest first.
enum class SettingSource { option, environment, file, fallback };

struct Setting {
    std::string value;
    SettingSource source = SettingSource::fallback;
    std::string origin;  // "--db", "FUNNEL_DB", "FILE line N", or funnel's default
    int line = 0;        // of the config file
};

class Session {
  public:
    // Resolves the options against the environment; throws Error(invalid) for a bad value.
    explicit Session(const GlobalOptions& options);

    const std::filesystem::path& data_file() const { return data_file_; }

    // The config file (docs/config.md), and a key's value: from an option, the environment or
    // the file, in that order; nothing when none sets it and funnel's default applies. A bad
    // value in the environment is Error(invalid) naming the variable.
    const std::optional<std::filesystem::path>& config_file() const { return config_file_; }
    std::optional<Setting> setting(std::string_view key) const;
    // What loading the config file failed with, for the config commands (config_unchecked).
    const std::optional<std::string>& config_error() const { return config_error_; }
    // The owner of new deals and activities: $FUNNEL_USER, else the config's owner, else $USER.
    std::string default_owner() const;
    // The currency of new deals and products: $FUNNEL_CURRENCY, else the config's, else the
    // data file's.
    Currency new_currency(Store& store) const;
    Store read_store() const;
    // Where results computed from `store` in its present state are kept between runs
    // ($FUNNEL_CACHE, $XDG_CACHE_HOME/funnel or ~/.cache/funnel); call it before reading
    // anything else from the store. Keeps nothing when there is no such folder.
    ResultCache result_cache(Store& store) const;

    // Runs `change` in one BEGIN IMMEDIATE transaction and commits it. When the data file does
    // not exist yet, `change` first runs against an empty scratch file in memory, so that a
    // command that fails does not even create the data file. Notes made during `change` are
    // printed only once it has committed.
    template <typename Change>
    auto write(Change&& change) const {
        if (!data_file_ready()) {
            Store scratch = Store::scratch(data_file_);
            Store::Transaction transaction(scratch);
            buffer_notes();
            change(scratch);
        }
        buffer_notes();
        hook_changes_.clear();
        Store store = write_store();
        Store::Transaction transaction(store);
        auto result = change(store);
        run_hooks("pre");
        transaction.commit();
        flush_notes(store);
        run_hooks("post");
        return result;
    }

    // Like write, for a change that reads its input only once (an import from a pipe):
    // `change` returns whether to commit. When there is no data file yet, it runs on a new file
    // beside it that takes its place only once committed, so that a failed or dry run leaves
    // nothing behind.
    template <typename Change>
    void write_once(Change&& change) const {
        buffer_notes();
        hook_changes_.clear();
        if (data_file_ready()) {
            Store store = write_store();
            Store::Transaction transaction(store);
            const bool commit = change(store);
            if (commit) {
                run_hooks("pre");
                transaction.commit();
            }
            flush_notes(store);
            if (commit) run_hooks("post");
            return;
        }
        require_data_folder();
        NewDataFile file(data_file_);
        {
            Store store = Store::create(file, data_file_);
            record_changes(store);
            Store::Transaction transaction(store);
            if (!change(store)) {
                flush_notes();
                return;
            }
            run_hooks("pre");
            transaction.commit();
        }
        file.adopt();
        note_created();
        flush_notes();
        run_hooks("post");
    }

    // Tells the hooks of `event` (opp-add, opp-edit, opp-stage, opp-delete, import) of a change
    // made in the write in progress: a record before and after it, as JSON objects (an add has
    // none before, a delete none after). The pre-hooks run before the write commits, the
    // post-hooks after (docs/hooks.md).
    void hook(std::string_view event, const std::optional<Record>& before,
              const std::optional<Record>& after) const;

    Date today() const { return today_; }
    // When a change happens: now, or the start of the pinned day when today is pinned.
    Timestamp now() const;

    // The pager that output longer than the screen goes through, and the screen's lines: only
    // when standard output is a terminal.
    const std::optional<std::string>& pager() const { return pager_; }
    std::size_t screen_lines() const { return screen_lines_; }

    Format format() const { return format_; }
    // Whether --format or --json was given, for commands whose default is not a table.
    bool format_given() const { return format_given_; }
    // --format ics, which only funnel calendar takes.
    bool ics() const { return ics_; }
    bool machine_format() const { return is_machine_format(format_); }
    bool quiet() const { return quiet_; }
    const RenderOptions& render_options() const { return render_options_; }

    std::ostream& out() const;
    // A remark for people on stderr ("created organization ..."); silent with -q.
    void note(const std::string& message) const;
    // Asks a yes/no question on the terminal; false when stdin is not a terminal.
    bool confirm(const std::string& question) const;
    // Before a delete of `what` ("opportunity 2"): nothing with --yes; else asks `question`
    // on a terminal. Error(invalid) without a terminal, Error(conflict) when declined.
    void confirm_delete(bool yes, const std::string& what, const std::string& question) const;
    bool stdin_is_terminal() const;

    void print(const Table& table) const;
    void print(const Record& record) const;

  private:
    // The data file, opened for writing, each change to it recorded as a change set.
    Store write_store() const;
    void record_changes(Store& store) const;
    // Whether the data file exists and is not empty.
    bool data_file_ready() const;
    // Error(not_found) when the data file's folder is missing and may not be created.
    void require_data_folder() const;
    void buffer_notes() const;
    // Prints the notes buffered, after saying so when `store` made the data file.
    void flush_notes(const Store& store) const;
    void flush_notes() const;
    void note_created() const;
    // Runs the `when` (pre or post) hooks of the changes told: a pre-hook that fails refuses the
    // change with Error(conflict); a post-hook's failure is a note.
    void run_hooks(std::string_view when) const;

    std::filesystem::path data_file_;
    std::optional<std::filesystem::path> config_file_;
    Config config_;
    std::optional<std::string> config_error_;
    std::map<std::string, std::string, std::less<>> options_given_;  // key -> option value
    std::string command_line_;
    std::optional<std::filesystem::path> hooks_;  // the hooks folder, unless --no-hooks
    int hook_timeout_seconds_ = 10;
    mutable std::string hook_event_;
    mutable bool hook_wanted_ = false;               // whether a hook of hook_event_ exists
    mutable std::vector<std::string> hook_changes_;  // {"before": ..., "after": ...}
    bool default_data_file_ = false;
    mutable bool buffering_notes_ = false;
    mutable std::vector<std::string> notes_;
    Date today_;
    bool today_pinned_ = false;
    Format format_ = Format::table;
    bool format_given_ = false;
    bool ics_ = false;
    bool quiet_ = false;
    RenderOptions render_options_;
    std::optional<std::string> pager_;
    std::size_t screen_lines_ = 0;
};

// While it lives, what a command prints on standard output is kept; finish() shows it through
// the session's pager when it is longer than the screen, else as it is. Dropped unfinished (the
// command failed), it prints what was kept before the error is said.
class PagedOutput {
  public:
    explicit PagedOutput(const Session& session);
    PagedOutput(const PagedOutput&) = delete;
    PagedOutput& operator=(const PagedOutput&) = delete;
    ~PagedOutput();
    void finish();

  private:
    void restore();

    std::optional<std::string> pager_;
    std::size_t lines_ = 0;
    std::ostringstream kept_;
    std::streambuf* previous_ = nullptr;
};

}  // namespace funnel::cli
