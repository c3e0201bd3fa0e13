#include "field_values.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel::cli {

namespace {

const CustomField& field_named(const std::vector<CustomField>& fields, FieldRecord record,
                               std::string_view option, std::string_view typed) {
    const std::string name = ascii_lower(trim(typed));
    for (const auto& field : fields)
        if (field.name == name) return field;
    std::vector<std::string> names;
    for (const auto& field : fields)
        names.push_back(field.name);
    const auto suggestion = closest_name(name, names);
    throw not_found(fmt::format(
        "invalid {}: no {} field {}{}", option, to_string(record), in_quotes(typed),
        suggestion ? fmt::format(" (did you mean {}?)", in_quotes(*suggestion))
        : names.empty()
            ? fmt::format(" (funnel field add {} --on {} makes it)", name, to_string(record))
            : fmt::format("; the fields are {}", join(names, ", "))));
}

}  // namespace

void apply_field_settings(Store& store, FieldRecord record, std::vector<FieldValue>& values,
                          const std::vector<std::string>& sets,
                          const std::vector<std::string>& unsets, Date today, int currency_digits) {
    if (sets.empty() && unsets.empty()) return;
    const auto fields = store.fields().all(record);
    for (const auto& name : unsets) {
        const auto& field = field_named(fields, record, "--unset", name);
        std::erase_if(values, [&](const FieldValue& value) { return value.name == field.name; });
    }
    for (const auto& assignment : sets) {
        const auto equals = assignment.find('=');
        if (equals == std::string::npos)
            throw invalid_input(
                fmt::format("invalid --set {}: expected NAME=VALUE", in_quotes(assignment)));
        const auto& field = field_named(fields, record, "--set", assignment.substr(0, equals));
        const std::string value =
            canonical_field_value(field, assignment.substr(equals + 1), today, currency_digits);
        std::erase_if(values, [&](const FieldValue& v) { return v.name == field.name; });
        values.push_back({field.name, field.type, value});
    }
    // In the fields' order.
    std::sort(values.begin(), values.end(), [&](const FieldValue& a, const FieldValue& b) {
        const auto position = [&](const std::string& name) {
            return std::find_if(fields.begin(), fields.end(),
                                [&](const CustomField& f) { return f.name == name; }) -
                   fields.begin();
        };
        return position(a.name) < position(b.name);
    });
}

}  // namespace funnel::cli
