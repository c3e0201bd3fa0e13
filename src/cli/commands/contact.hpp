// The "contact" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "tag_changes.hpp"

namespace funnel::cli::contact {

using OptText = std::optional<std::string>;

struct ContactFields {
    OptText org, email, phone, title, notes;
    std::vector<std::string> tags;    // contact add only
    std::vector<std::string> sets;    // --set NAME=VALUE: custom fields
    std::vector<std::string> unsets;  // --unset NAME: contact edit only
};

struct AddOptions {
    std::string name;
    ContactFields fields;
};

struct ListOptions {
    OptText org;
};

struct ShowOptions {
    std::string contact;
};

struct EditOptions {
    std::string contact;
    OptText name;
    ContactFields fields;
    bool create = false;  // an --org that does not exist is made
};

struct TagOptions {
    TagArguments arguments;
};

struct DeleteOptions {
    std::string contact;
    bool yes = false;
};

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_show(const ShowOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_tag(const TagOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);

// Defines the contact commands.
void setup(Command& group);

}  // namespace funnel::cli::contact
