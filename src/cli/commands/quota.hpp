// The "quota" commands: how much each owner, or the team, is to win in a period.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::quota {

using OptText = std::optional<std::string>;

// Whose quota: an owner's, or the team's own.
struct WhoOptions {
    OptText owner;
    bool team = false;
};

struct SetOptions {
    WhoOptions who;
    std::string period, amount;
    OptText currency;
};

struct ListOptions {
    OptText period;
};

struct UnsetOptions {
    WhoOptions who;
    std::string period;
};

void run_set(const SetOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_unset(const UnsetOptions& options, Session& session);

// Defines the quota commands.
void setup(Command& group);

}  // namespace funnel::cli::quota
