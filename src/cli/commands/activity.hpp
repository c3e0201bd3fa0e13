// The "activity" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/store/store.hpp"

namespace funnel::cli::activity {

using OptText = std::optional<std::string>;

// What add and edit (and opp link ID activity) take.
struct Fields {
    OptText opp, org, contact, type, subject, due, duration, notes, owner;
};

struct AddOptions {
    Fields fields;
};

struct ListOptions {
    bool upcoming = false, overdue = false, done = false, all = false;
    OptText opp, from, to, owner;
};

struct DoneOptions {
    std::string id;
    OptText on;
};

struct EditOptions {
    std::string id;
    Fields fields;
};

struct DeleteOptions {
    std::string id;
    bool yes = false;
};

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_done(const DoneOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);

// Adds an activity from its fields (shared with opp link ID activity); records the link in the
// deal's history. Returns it as stored.
Activity add_activity(Store& store, const Session& session, const Fields& fields);
// Checks what needs no data file, so that bad input fails first.
void check_fields(const Fields& fields, const Session& session, bool adding);

// Defines the activity commands.
void setup(Command& group);
// The fields of an activity, for activity add and edit and opp link ID activity.
void add_fields(Command& command, Fields& fields, bool with_deal);

}  // namespace funnel::cli::activity
