// The stages: their order, names, probabilities and categories.
#pragma once

#include <cstdint>
#include <vector>

#include "funnel/domain/stage.hpp"

namespace funnel {

struct Connection;

class StageStore {
  public:
    explicit StageStore(Connection& connection) : connection_(&connection) {}

    // Every stage, in order.
    std::vector<Stage> all();
    std::int64_t insert(const Stage& stage);
    void update(const Stage& stage);
    void remove(std::int64_t id);
    // Positions 1..n in this order.
    void reorder(const std::vector<std::int64_t>& ids_in_order);
    // Whether any deal is in the stage or ever was.
    bool ever_used(std::int64_t id);

  private:
    Connection* connection_;
};

}  // namespace funnel
