// The "opp" commands: what each takes, and the function that runs it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "funnel/store/store.hpp"
#include "session.hpp"
#include "tag_changes.hpp"

namespace funnel::cli::opp {

using OptText = std::optional<std::string>;

struct DealFields {
    OptText amount, currency, close, stage, probability, org, contact, type, next_step, description,
        owner, source;
    std::vector<std::string> tags;    // opp add only
    std::vector<std::string> sets;    // --set NAME=VALUE: custom fields
    std::vector<std::string> unsets;  // --unset NAME: opp edit only
};

struct AddOptions {
    std::string name;
    DealFields fields;
};

struct ListOptions {
    std::vector<std::string> stages;
    bool open = false, won = false, lost = false, closed = false, all = false, overdue = false;
    bool no_amount = false;
    OptText org, contact, owner, type, closing_from, closing_to, search, limit, where;
    std::vector<std::string> tags;  // deals with all of them
    OptText columns;                // opp list only
    OptText in;                     // opp list only: amounts converted too
    OptText sort;                   // close when not given
    bool descending = false;
};

struct ShowOptions {
    std::string id;
};

// The deals a change is for (ids, ranges, names, --where), and whether only to say what it
// would do (--dry-run).
struct Selection {
    std::vector<std::string> selectors;
    OptText where;
    bool dry_run = false;
};

struct EditOptions {
    Selection selection;
    OptText name, note;
    OptText category;  // the deal's own forecast category, or auto for its stage's
    DealFields fields;
    bool create = false;  // an --org or --contact that does not exist is made
};

struct StageOptions {
    Selection selection;  // its last selector is the stage
    OptText probability, note, reason, on;
};

struct DeleteOptions {
    Selection selection;
    bool yes = false;
};

struct TagOptions {
    Selection selection;     // its selectors are read from the arguments
    TagArguments arguments;  // the deals, then the changes: +TAG adds, -TAG removes
};

struct HistoryOptions {
    std::string id;
};

// The deals a list shows: its filters and order, checked against the data file.
OppQuery list_query(const ListOptions& options, Store& store, Date today);

// One deal by its id, or by its name (case-folded) when one deal has it: Error(not_found) when
// none has, Error(conflict) listing them (id, name, organization) when several have.
std::int64_t deal_id(Store& store, const std::string& selector);
// The deals a change is for, in id order, each once: ids (7), ranges of ids (5-9: those that
// exist), names as deal_id takes them, and the deals --where selects (perhaps none: a script's
// filter may match nothing). Error(invalid) when nothing is given or a range runs backwards;
// Error(not_found) for an id, name or range no deal has.
std::vector<std::int64_t> selected_deals(Store& store, const std::vector<std::string>& selectors,
                                         const OptText& where, Date today);

// Prints what a change did to a deal: the line for people, its record for scripts, its id
// with -q.
void report_change(const Session& session, const Opportunity& deal, const std::string& line);

// A deal before and after a change.
using Changed = std::pair<Opportunity, Opportunity>;
// Runs `change` on each selected deal, all in one transaction, committed unless --dry-run: one
// deal refused refuses them all.
// Each deal that changed is told to the hooks of `event` (opp-edit, opp-stage).
std::vector<Changed> change_each(const Session& session, const Selection& selection,
                                 std::string_view event,
                                 const std::function<Changed(Store&, std::int64_t)>& change);
// Reports changed deals: one line each (`line`, which says when it is a dry run), or their
// records in machine formats; for several deals (or --where), a summary line after, and a table
// rather than one record.
// Defines opp tag.
void setup_tag(Command& opp);

void report_changes(const Session& session, const Selection& selection,
                    const std::vector<Changed>& changed,
                    const std::function<std::string(const Opportunity&, const Opportunity&)>& line);
// The options of a change of several deals: --where and --dry-run.
void add_selection_options(Command& command, Selection& selection);

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
// Checks a value for the config's list.sort, list.columns or list.where (the custom fields of
// the data file, if there is one, count as columns and in filters).
void check_list_setting(std::string_view key, const std::string& value, const Session& session);
void run_show(const ShowOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_stage(const StageOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);
void run_history(const HistoryOptions& options, Session& session);

// Defines the opp commands.
void setup(Command& group);
// The filters and order of opp list, which export opportunities shares.
void add_list_options(Command& command, ListOptions& options, bool open_by_default);
// The fields of opp add (`adding`) and opp edit.
void add_deal_options(Command& command, DealFields& fields, bool adding);

}  // namespace funnel::cli::opp
