// Custom fields: the fields a team adds to deals, organizations or contacts (funnel field add),
// with a type that checks their values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/date.hpp"

namespace funnel {

enum class FieldRecord { opp, org, contact };
std::string_view to_string(FieldRecord record);
FieldRecord parse_field_record(std::string_view text);  // throws Error(invalid)

enum class FieldType { text, number, date, amount, choice };
std::string_view to_string(FieldType type);
FieldType parse_field_type(std::string_view text);  // throws Error(invalid)

struct CustomField {
    std::int64_t id = 0;
    FieldRecord record = FieldRecord::opp;
    std::string name;   // as normalize_field_name keeps it
    std::string label;  // what people read
    FieldType type = FieldType::text;
    std::vector<std::string> choices;  // for a choice field, in order
    int position = 0;
};

// A field name: lower-case letters, digits and _, starting with a letter, at most 40; one that
// is not a record's own field (name, amount, tags, industry, email, ...). Throws Error(invalid)
// naming `what`.
std::string normalize_field_name(std::string_view what, std::string_view text);

// A value of the field as it is kept: text trimmed (one line); a number in plain decimal
// (-12.5); a date ISO (as --close reads it: 2026-12-31, eom, +2w); an amount in major units
// with the currency's decimals at most (12k, 1500.50); a choice as the field spells it (any case
// typed). Throws Error(invalid) naming the field.
std::string canonical_field_value(const CustomField& field, std::string_view text, Date today,
                                  int currency_digits);

// Whether the field's values are numbers in JSON (numbers and amounts).
inline bool is_numeric(FieldType type) {
    return type == FieldType::number || type == FieldType::amount;
}

// One value of a record's custom fields: the field's name and type, and the value as kept.
struct FieldValue {
    std::string name;
    FieldType type = FieldType::text;
    std::string value;
};

}  // namespace funnel
