// The "fx" commands: exchange rates, dated, that reports convert amounts with (--in).
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::fx {

using OptText = std::optional<std::string>;

struct SetOptions {
    std::string from, to, rate;
    OptText on;
};

struct ListOptions {
    OptText currency, from, to;
};

struct RateOptions {
    std::string from, to;
    OptText on;
};

struct ImportOptions {
    std::string file;
    bool dry_run = false;
};

void run_set(const SetOptions& options, Session& session);
void run_list(const ListOptions& options, Session& session);
void run_rate(const RateOptions& options, Session& session);
void run_import(const ImportOptions& options, Session& session);

// Defines the fx commands.
void setup(Command& group);

}  // namespace funnel::cli::fx
