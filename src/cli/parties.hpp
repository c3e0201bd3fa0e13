// Organizations and contacts named on a command line.
#pragma once

#include <optional>
#include <string>

#include "funnel/domain/party.hpp"
#include "funnel/store/store.hpp"
#include "session.hpp"

namespace funnel::cli {

// What a name that matches no record does: make one (opp add, contact add: a note says so), or
// fail with a suggestion (edits and links, where a typo must not quietly add a record; their
// --create makes it on purpose).
enum class Missing { create, refuse };

// The organization with this id or name. An id that does not exist is not found: digits are
// never taken as a new name.
Organization organization_named(Store& store, const Session& session, const std::string& option,
                                const std::string& id_or_name, Missing missing);

// The contact with this id or name; a missing one is created in `org_id`.
Contact contact_named(Store& store, const Session& session, const std::string& option,
                      const std::string& id_or_name, std::optional<std::int64_t> org_id,
                      Missing missing);

}  // namespace funnel::cli
