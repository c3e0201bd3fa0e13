// A cell's value as text, which every renderer shares.
#pragma once

#include <string>

#include "funnel/formats/table.hpp"

namespace funnel {

// A proportional bar of 20 columns: eighths of a block with Unicode, # without.
std::string bar_text(const Bar& bar, bool unicode);
// A value as people read it: thousands separators, percent signs, bars; on one line unless
// `keep_lines`.
std::string human_text(const Value& value, const Column& column, bool unicode,
                       bool keep_lines = false);
// A value as JSON: null, a string, a number, an array of words, an object of named values.
std::string json_value(const Value& value);

}  // namespace funnel
