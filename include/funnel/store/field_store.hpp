// The custom fields' definitions (funnel field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/custom_field.hpp"

namespace funnel {

struct Connection;

class FieldStore {
  public:
    explicit FieldStore(Connection& connection) : connection_(&connection) {}

    // The fields of `record`, or of every kind, in order (kind, then position).
    std::vector<CustomField> all(std::optional<FieldRecord> record = std::nullopt);
    std::optional<CustomField> find(FieldRecord record, const std::string& name);
    // Adds the field after the others of its kind; returns its id.
    std::int64_t insert(const CustomField& field);
    void update(const CustomField& field);  // name, label, choices
    void remove(std::int64_t id);           // with its values
    // How many records have a value of the field.
    std::int64_t uses(const CustomField& field);

  private:
    Connection* connection_;
};

}  // namespace funnel
