// Where the data file lives.
#pragma once

#include <filesystem>
#include <string>

namespace funnel {

// --db, else $FUNNEL_DB, else $XDG_DATA_HOME/funnel/funnel.db, else
// $HOME/.local/share/funnel/funnel.db. Empty values count as unset. Throws Error(invalid) when
// no location can be found.
std::filesystem::path data_file_path(const std::string& option, const char* funnel_db,
                                     const char* xdg_data_home, const char* home);

}  // namespace funnel
