// Sales quotas (funnel quota): how much an owner, or the team, is to win in a period.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/money.hpp"
#include "funnel/domain/period.hpp"

namespace funnel {

struct Connection;

struct Quota {
    std::int64_t id = 0;
    std::optional<std::string> owner;  // none: the team's own quota
    Period period;
    Money amount;
};

class QuotaStore {
  public:
    explicit QuotaStore(Connection& connection) : connection_(&connection) {}

    // Sets the quota of the owner (or the team) for the period, replacing one set before
    // (owners match case-insensitively); returns the one replaced.
    std::optional<Quota> set(const Quota& quota);
    // Removes it; returns the one removed.
    std::optional<Quota> unset(const std::optional<std::string>& owner, const Period& period);
    // The quotas of a period (the team's first, then by owner), or of every period.
    std::vector<Quota> list(const std::optional<Period>& period);

  private:
    std::optional<Quota> find(const std::optional<std::string>& owner, const Period& period);
    Connection* connection_;
};

}  // namespace funnel
