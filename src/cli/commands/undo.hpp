// funnel undo: reverts the last change set, or a given one; --list shows the recent ones.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::undo {

struct Options {
    std::optional<std::string> id;
    bool list = false;
    bool dry_run = false;
    std::string limit = "20";
};

void run(const Options& options, Session& session);

// Defines funnel undo.
void setup(Command& funnel);

}  // namespace funnel::cli::undo
