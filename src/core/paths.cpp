#include "funnel/paths.hpp"

#include "funnel/error.hpp"

namespace funnel {

namespace {
bool set(const char* value) {
    return value && *value;
}
}  // namespace

std::filesystem::path data_file_path(const std::string& option, const char* funnel_db,
                                     const char* xdg_data_home, const char* home) {
    if (!option.empty()) return option;
    if (set(funnel_db)) return funnel_db;
    // The XDG base directory spec ignores relative values.
    if (set(xdg_data_home) && xdg_data_home[0] == '/')
        return std::filesystem::path(xdg_data_home) / "funnel" / "funnel.db";
    if (set(home)) return std::filesystem::path(home) / ".local" / "share" / "funnel" / "funnel.db";
    throw invalid_input("no data file: give --db PATH or set FUNNEL_DB (HOME is not set)");
}

}  // namespace funnel
