// The "stage" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"

namespace funnel::cli::stage {

using OptText = std::optional<std::string>;

struct Placement {
    OptText after, before;
};

struct ListOptions {};

struct AddOptions {
    std::string name;
    OptText label, probability, category, state, stale_days;
    Placement placement;
};

struct SetOptions {
    std::string name;
    OptText label, probability, category, rename, stale_days;
    Placement placement;
};

struct RemoveOptions {
    std::string name;
};

struct CalibrateOptions {
    OptText min_deals, from, to, min_dwell;
    bool apply = false;
};

void run_list(const ListOptions& options, Session& session);
void run_calibrate(const CalibrateOptions& options, Session& session);
void run_add(const AddOptions& options, Session& session);
void run_set(const SetOptions& options, Session& session);
void run_remove(const RemoveOptions& options, Session& session);

// Defines the stage commands.
void setup(Command& group);

}  // namespace funnel::cli::stage
