// The filter language of --where: "amount >= 10k and stage ~ quote and close < eoq".
//
//   expression := term ("or" term)*
//   term       := factor ("and" factor)*
//   factor     := "not" factor | "(" expression ")" | test
//   test       := FIELD OP VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
//               | FIELD "is" ["not"] "empty"
//   OP         := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~"
//   VALUE      := a word without spaces, or text in single or double quotes (a quote doubled)
//
// Keywords and field names in any case. Values take the forms of the command line's options:
// dates as --close takes them (2026-12-31, eoq, +2w), amounts as --amount (12k, 1,500.50),
// stages by name, label or prefix. Parsed into a small tree whose values are checked and made
// canonical here; the store compiles it to SQL with every value a bound parameter
// (docs/filters.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "funnel/domain/custom_field.hpp"
#include "funnel/domain/date.hpp"

namespace funnel {

enum class FilterField {
    name,
    org,
    contact,
    owner,
    source,
    currency,
    amount,
    weighted,
    probability,
    close,
    created,
    updated,
    closed,
    stage,
    category,
    type,
    tag,
    custom,  // a custom field of deals (funnel field add)
};
std::string_view to_string(FilterField field);

enum class FilterOp { eq, ne, lt, le, gt, ge, contains, in, empty };
// As the language writes it: "=", "!=", "<", "<=", ">", ">=" (SQL's too), "~", "in", "is empty".
std::string_view to_string(FilterOp op);

// A value as the test compares it: text folded (fold_name) for the text fields and tags, an ISO
// date, an amount in units of 10^-4 of any currency's major unit, a probability, a category's or
// type's name, a currency code; a stage as typed (the store resolves it against the stages).
struct FilterValue {
    std::string text;
    std::size_t column = 0;  // where it starts in the expression, counted in characters from 1
};

struct Filter {
    enum class Kind { all, any, negation, test };
    Kind kind = Kind::test;
    std::vector<Filter> parts;  // all, any: two or more; negation: one
    FilterField field = FilterField::name;
    FilterOp op = FilterOp::eq;
    std::vector<FilterValue> values;  // one, or several for `in`, none for `is empty`
    std::size_t column = 0;           // of the field
    // For a custom field: its id and type.
    std::int64_t custom_id = 0;
    FieldType custom_type = FieldType::text;
};

// Throws Error(invalid) "--where: column N: what is wrong" for anything it cannot read: an
// unknown field (with the closest one), a missing operator or value, an operator the field
// does not take, a value not of the field's kind, unbalanced parentheses.
// `custom` are the deals' custom fields, which it takes by name too.
Filter parse_filter(std::string_view text, Date today, const std::vector<CustomField>& custom = {});

// The test "tag = TAG" (a tag as checked_tag keeps it), and the filter that holds when all of
// `parts` do (the one part itself when there is one).
Filter has_tag(const std::string& tag);
Filter all_of(std::vector<Filter> parts);

// Whether any test of the filter is of `field`.
bool tests_field(const Filter& filter, FilterField field);

// The error for a value of a filter: "--where: column N: message".
std::string filter_error(std::size_t column, std::string_view message);

}  // namespace funnel
