// --set NAME=VALUE and --unset NAME: the values of a record's custom fields.
#pragma once

#include <string>
#include <vector>

#include "funnel/store/store.hpp"

namespace funnel::cli {

// Sets and removes values of `record`'s custom fields in `values` (kept in the fields' order):
// each checked by its field's type (canonical_field_value), amounts with `currency_digits`.
// Error(not_found) for a field that does not exist, naming the closest; Error(invalid) for a
// bad value.
void apply_field_settings(Store& store, FieldRecord record, std::vector<FieldValue>& values,
                          const std::vector<std::string>& sets,
                          const std::vector<std::string>& unsets, Date today, int currency_digits);

}  // namespace funnel::cli
