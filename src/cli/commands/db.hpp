// The "db" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"

namespace funnel::cli::db {

using OptText = std::optional<std::string>;

struct InfoOptions {
    std::optional<std::string> set_currency;
    std::optional<std::string> set_report_currency;
    std::optional<std::string> set_fiscal_start;
};

struct BackupOptions {
    std::string file;
};

struct CheckOptions {};

void run_info(const InfoOptions& options, Session& session);
void run_backup(const BackupOptions& options, Session& session);
void run_check(const CheckOptions& options, Session& session);

// Defines the db commands.
void setup(Command& group);

}  // namespace funnel::cli::db
