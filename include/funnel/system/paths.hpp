// Where the data file lives, and the files made beside it.
#pragma once

#include <filesystem>
#include <string>

namespace funnel {

struct DataFileLocation {
    std::filesystem::path path;
    // The XDG location no one chose: the only one whose missing folders a first write creates.
    bool is_default = false;
};

// --db, else $FUNNEL_DB, else the config file's db, else $XDG_DATA_HOME/funnel/funnel.db, else
// $HOME/.local/share/funnel/funnel.db. Empty values count as unset. Throws Error(invalid) when
// no location can be found.
DataFileLocation locate_data_file(const std::string& option, const char* funnel_db,
                                  const char* configured, const char* xdg_data_home,
                                  const char* home);

// "~/x" as HOME/x (as a shell would), for paths in the config file; other paths as they are.
std::string expanded_home(const std::string& path, const char* home);

// A file being made beside the one it is to become (a data file, a backup): removed when dropped,
// unless adopt() has put it in place, which it does only when no file has appeared there meanwhile.
// Its name, `.NAME.new-PID`, says which process makes it.
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

// Error(not_found) when the folder a data file would be created in does not exist: a typo in a
// path must not quietly start a second pipeline somewhere new.
void require_data_folder(const std::filesystem::path& file);

// Removes the files that processes killed while making `target` left beside it (a NewDataFile
// and its -wal, -shm and -journal), which can be as large as an import. Files of processes that
// still run are kept. Returns how many were removed.
int remove_abandoned_files(const std::filesystem::path& target);

}  // namespace funnel
