// The "org" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "tag_changes.hpp"

namespace funnel::cli::org {

using OptText = std::optional<std::string>;

struct OrgFields {
    OptText industry, website, phone, notes;
    std::vector<std::string> tags;    // org add only
    std::vector<std::string> sets;    // --set NAME=VALUE: custom fields
    std::vector<std::string> unsets;  // --unset NAME: org edit only
};

struct AddOptions {
    std::string name;
    OrgFields fields;
};

struct ListOptions {};

struct ShowOptions {
    std::string org;
};

struct EditOptions {
    std::string org;
    OptText name;
    OrgFields fields;
};

struct TagOptions {
    TagArguments arguments;
};

struct DeleteOptions {
    std::string org;
    bool yes = false;
};

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_show(const ShowOptions& options, Session& session);
void run_edit(const EditOptions& options, Session& session);
void run_tag(const TagOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);

// Defines the org commands.
void setup(Command& group);

}  // namespace funnel::cli::org
