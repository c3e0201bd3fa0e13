// The change sets that funnel undo reverts: what each write transaction replaced, recorded as it
// happens by SQLite's pre-update hook on this connection only (other programs that write the
// file are not slowed, nor need anything of funnel's). The hook replaced 60 temporary triggers
// that each process had to create, which took two thirds of an `opp add`.
#pragma once

#include "funnel/store/change_store.hpp"

namespace funnel {

struct Connection;

namespace journal {

// Before BEGIN IMMEDIATE: reads the tables to record and sets the hook, once per connection,
// when it was told its command and the file keeps change sets; outside the transaction, so that
// other writers do not wait for it.
void prepare(Connection& connection);
// After BEGIN IMMEDIATE: starts recording the transaction as one change set, when the connection
// was told its command (Store::record_changes_as) and the file keeps change sets.
void begin(Connection& connection);
// Before COMMIT: writes the change set, when anything was recorded, and forgets the oldest.
void finish(Connection& connection);
// After COMMIT or ROLLBACK: records nothing more.
void end(Connection& connection);

}  // namespace journal
}  // namespace funnel
