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

// A file being made beside the one it is to become (a data file, a backup): removed when dropped,
// unless adopt() has put it in place, which it does only when no file has appeared there meanwhile.
class NewDataFile {
  public:
    explicit NewDataFile(std::filesystem::path target);
    NewDataFile(const NewDataFile&) = delete;
    NewDataFile& operator=(const NewDataFile&) = delete;
    ~NewDataFile();
    const std::filesystem::path& path() const { return path_; }
    // Throws Error(conflict) when the target exists by now.
    void adopt();
    // The same, but false when the target exists by now.
    bool try_adopt();

  private:
    std::filesystem::path target_;
    std::filesystem::path path_;
    bool adopted_ = false;
};

}  // namespace funnel
