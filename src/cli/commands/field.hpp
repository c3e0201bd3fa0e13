// The "field" commands: custom fields of deals, organizations and contacts.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::field {

using OptText = std::optional<std::string>;

struct AddOptions {
    std::string name;
    std::string on = "opp";
    std::string type = "text";
    OptText choices, label;
};

struct ListOptions {
    OptText on;
};

struct RenameOptions {
    std::string name, new_name;
    std::string on = "opp";
    OptText label;
};

struct DeleteOptions {
    std::string name;
    std::string on = "opp";
    bool force = false;
};

void run_add(const AddOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_rename(const RenameOptions& options, Session& session);
void run_delete(const DeleteOptions& options, Session& session);

// Defines the field commands.
void setup(Command& group);

}  // namespace funnel::cli::field
