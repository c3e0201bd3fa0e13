// funnel calendar: close dates and activities, by day, or as an iCalendar file.
#pragma once

#include <optional>
#include <string>

#include "command.hpp"

namespace funnel::cli::calendar {

struct Options {
    std::optional<std::string> from, to, owner, where;
    bool all = false;
};

void run(const Options& options, Session& session);

// Defines funnel calendar, the one command that may write iCalendar.
void setup(Command& funnel, GlobalOptions& globals);

}  // namespace funnel::cli::calendar
