// The "opp" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"

namespace funnel::cli::opp {

using OptText = std::optional<std::string>;

struct DealFields {
    OptText amount, currency, close, stage, probability, org, contact, type, next_step, description,
        owner, source;
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
    std::string sort = "close";
    bool descending = false;
};

struct ShowOptions {
    std::string id;
};

struct EditOptions {
    std::string id;
    OptText name, note;
    OptText category;  // the deal's own forecast category, or auto for its stage's
    DealFields fields;
    bool create = false;  // an --org or --contact that does not exist is made
};

struct StageOptions {
    std::string id, stage;
    OptText probability, note, reason, on;
};

struct DeleteOptions {
    std::string id;
    bool yes = false;
};

struct HistoryOptions {
    std::string id;
};

// The deals a list shows: its filters and order, checked against the data file.
OppQuery list_query(const ListOptions& options, Store& store, Date today);

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_show(const ShowOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_stage(const StageOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);
void run_history(const HistoryOptions& options, Session& session);

// Defines the opp commands.
void setup(Command& group);
// The filters and order of opp list, which export opportunities shares.
void add_list_options(Command& command, ListOptions& options, bool open_by_default);

}  // namespace funnel::cli::opp
