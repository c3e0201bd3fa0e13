// The "config" commands: the settings of the config file (docs/config.md), where each value in
// force comes from, and changes to the file that keep its comments.
#pragma once

#include <string>

#include "command.hpp"

namespace funnel::cli::config {

struct KeyOptions {
    std::string key;
};

struct SetOptions {
    std::string key, value;
};

void run_list(Session& session);
void run_get(const KeyOptions& options, Session& session);
void run_set(const SetOptions& options, Session& session);
void run_unset(const KeyOptions& options, Session& session);
void run_path(Session& session);

// Defines the config commands, which work on a config file that does not load, to mend it.
void setup(Command& funnel, GlobalOptions& globals);

}  // namespace funnel::cli::config
