// The organizations and contacts that deals are with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"

namespace funnel {

struct Organization {
    std::int64_t id = 0;
    std::string name;
    std::string industry;
    std::string website;
    std::string phone;
    std::string notes;
    Timestamp created_at;
    Timestamp updated_at;
    std::vector<std::string> tags;   // checked_tag, sorted, each once
    std::vector<FieldValue> fields;  // custom fields' values, in the fields' order
};

struct Contact {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> org_id;
    std::string org;  // the organization's name, when there is one
    std::string email;
    std::string phone;
    std::string title;
    std::string notes;
    Timestamp created_at;
    Timestamp updated_at;
    std::vector<std::string> tags;   // checked_tag, sorted, each once
    std::vector<FieldValue> fields;  // custom fields' values, in the fields' order
};

// Throws Error(invalid) unless the address looks like local@domain.
void validate_email(std::string_view email);

}  // namespace funnel
