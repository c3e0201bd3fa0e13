// The change sets of the file: every command that wrote, and what undoing one restores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/date.hpp"

namespace funnel {

struct Connection;

// The oldest change sets are forgotten: a file keeps the last this many.
inline constexpr std::int64_t kept_change_sets = 100;

struct ChangeSet {
    std::int64_t id = 0;
    std::string command;  // the command line that made it
    Timestamp made_at;
    std::optional<std::int64_t> undoes;     // for an undo: the change set it reverted
    std::optional<std::int64_t> undone_by;  // the undo that reverted it
};

class ChangeStore {
  public:
    explicit ChangeStore(Connection& connection) : connection_(&connection) {}

    // The most recent change sets, newest first.
    std::vector<ChangeSet> recent(std::int64_t limit);
    std::optional<ChangeSet> find(std::int64_t id);
    // The newest change set that is neither undone nor an undo: what funnel undo reverts.
    std::optional<ChangeSet> last_undoable();
    // The later change sets, neither undone nor undos, that changed a record `id` changed, or
    // took the id of a record it deleted: while there are any, undoing it would lose them.
    std::vector<ChangeSet> conflicts(std::int64_t id);
    // Reverts change set `id` (whose conflicts the caller has checked) in the transaction in
    // progress, which becomes the undo's own change set. Returns how many records it restored,
    // removed and put back as they were.
    struct Reverted {
        std::int64_t removed = 0;   // records the change set added
        std::int64_t restored = 0;  // records it changed
        std::int64_t put_back = 0;  // records it deleted
    };
    Reverted undo(std::int64_t id);

  private:
    Connection* connection_;
};

}  // namespace funnel
