// Organizations and contacts named on a command line, created when missing.
#pragma once

#include <optional>
#include <string>

#include "funnel/party.hpp"
#include "funnel/store.hpp"
#include "session.hpp"

namespace funnel::cli {

// The organization with this id or name; a missing one is created (and a note says so).
// An id that does not exist is not found: digits are never taken as a new name.
Organization organization_or_create(Store& store, const Session& session, const std::string& option,
                                    const std::string& id_or_name);

// The contact with this id or name; a missing one is created in `org_id` (and a note says so).
Contact contact_or_create(Store& store, const Session& session, const std::string& option,
                          const std::string& id_or_name, std::optional<std::int64_t> org_id);

}  // namespace funnel::cli
