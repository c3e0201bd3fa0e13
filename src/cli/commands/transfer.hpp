// The "import" and "export" commands: what each takes, and the function that runs it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "commands/opp.hpp"

namespace funnel::cli::transfer {

using OptText = std::optional<std::string>;

struct ImportOptions {
    std::string file;  // "-" for standard input
    OptText preset;    // none: recognised from the header
    std::vector<std::string> maps, stage_maps, defaults, lookups;
    OptText date_format, currency, key, delimiter, encoding, timezone;
    std::string on_duplicate = "skip";
    bool dry_run = false;
    bool strict = false;
    bool create_stages = false;
};

struct HistoryImportOptions {
    std::string file;  // "-" for standard input
    std::string preset = "generic";
    std::vector<std::string> maps, stage_maps;
    OptText date_format, delimiter, encoding, timezone;
    bool dry_run = false;
};

struct ExportOptions {
    opp::ListOptions list;
    bool excel_safe = false;
};

struct DumpOptions {};

struct RestoreOptions {
    std::string file;
};

void run_import(const ImportOptions& options, Session& session);
void run_import_history(const HistoryImportOptions& options, Session& session);
void run_export(const ExportOptions& options, Session& session);
void run_dump(const DumpOptions& options, Session& session);
void run_restore(const RestoreOptions& options, Session& session);

// Defines the import and the export commands.
void setup_import(Command& group);
// import history, beside import opportunities.
void setup_history_import(Command& group);
void setup_export(Command& group);

}  // namespace funnel::cli::transfer
