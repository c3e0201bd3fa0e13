// The data file's schema: ordered migrations, each run once, in one transaction.
#pragma once

#include <cstdint>

namespace SQLite {
class Database;
}

namespace funnel::schema {

// "FNL1": marks a SQLite file as a funnel data file (PRAGMA application_id).
inline constexpr std::int32_t application_id = 0x464E4C31;

int latest_version();

// Brings the file from its current version up to `target`, in one BEGIN IMMEDIATE transaction.
// The caller has checked that the file is not newer than this funnel.
void migrate(SQLite::Database& db, int target);

// Gives each history entry without a recorded_at one: when it happened, or when the deal's entry
// before it was recorded, whichever is later (a change back-dated with --on was recorded after
// the entries listed before it). For files and dumps from before funnel kept the time.
void fill_recorded_times(SQLite::Database& db);

// PRAGMA user_version.
int version_of(SQLite::Database& db);

}  // namespace funnel::schema
