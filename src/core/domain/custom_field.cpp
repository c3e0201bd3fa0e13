#include "funnel/domain/custom_field.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

constexpr std::array<std::pair<std::string_view, FieldRecord>, 3> records = {
    {{"opp", FieldRecord::opp}, {"org", FieldRecord::org}, {"contact", FieldRecord::contact}}};

constexpr std::array<std::pair<std::string_view, FieldType>, 5> types = {{
    {"text", FieldType::text},
    {"number", FieldType::number},
    {"date", FieldType::date},
    {"amount", FieldType::amount},
    {"choice", FieldType::choice},
}};

// The names that a deal's, an organization's or a contact's own fields, the filter and the
// export's columns already use.
constexpr std::array<std::string_view, 40> reserved = {"id",          "name",
                                                       "org",         "org_id",
                                                       "contact",     "contact_id",
                                                       "amount",      "currency",
                                                       "close",       "close_date",
                                                       "stage",       "probability",
                                                       "weighted",    "weighted_amount",
                                                       "category",    "type",
                                                       "next_step",   "description",
                                                       "owner",       "source",
                                                       "created",     "created_at",
                                                       "updated",     "updated_at",
                                                       "closed",      "closed_at",
                                                       "lost_reason", "external_id",
                                                       "tag",         "tags",
                                                       "fields",      "state",
                                                       "no_amount",   "ignore"};

}  // namespace

std::string_view to_string(FieldRecord record) {
    for (const auto& [name, value] : records)
        if (value == record) return name;
    return "opp";
}

FieldRecord parse_field_record(std::string_view text) {
    const std::string wanted = ascii_lower(trim(text));
    for (const auto& [name, value] : records)
        if (wanted == name) return value;
    throw invalid_input(
        fmt::format("invalid --on {}: expected opp, org or contact", in_quotes(text)));
}

std::string_view to_string(FieldType type) {
    for (const auto& [name, value] : types)
        if (value == type) return name;
    return "text";
}

FieldType parse_field_type(std::string_view text) {
    const std::string wanted = ascii_lower(trim(text));
    for (const auto& [name, value] : types)
        if (wanted == name) return value;
    throw invalid_input(fmt::format(
        "invalid --type {}: expected text, number, date, amount or choice", in_quotes(text)));
}

std::string normalize_field_name(std::string_view what, std::string_view text) {
    const std::string name = ascii_lower(trim(text));
    const bool valid = !name.empty() && name.size() <= 40 && name.front() >= 'a' &&
                       name.front() <= 'z' && std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       });
    if (!valid)
        throw invalid_input(fmt::format(
            "invalid {} {}: a field name is lower-case letters, digits and _, starting with a "
            "letter, at most 40",
            what, in_quotes(text)));
    if (std::find(reserved.begin(), reserved.end(), name) != reserved.end())
        throw invalid_input(fmt::format("invalid {} {}: a record has a field of that name already",
                                        what, in_quotes(text)));
    return name;
}

std::string canonical_field_value(const CustomField& field, std::string_view text, Date today,
                                  int currency_digits) {
    const auto fail = [&](std::string_view why) {
        return invalid_input(fmt::format("invalid {} {}: {}", field.name, in_quotes(text), why));
    };
    const std::string value = checked_text(field.name, text, TextKind::line);
    if (value.empty()) throw fail("empty: --unset removes a value");
    switch (field.type) {
        case FieldType::text:
            return value;
        case FieldType::number: {
            // A plain decimal, kept as typed but for its redundant zeros: exact, never a float.
            std::string_view digits = value;
            const bool negative = digits.starts_with('-');
            if (negative) digits.remove_prefix(1);
            const auto point = digits.find('.');
            std::string whole(digits.substr(0, point));
            std::string fraction(point == std::string_view::npos ? "" : digits.substr(point + 1));
            const auto all_digits = [](const std::string& s) {
                return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
            };
            if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
                (point != std::string_view::npos && fraction.empty()) || whole.size() > 15 ||
                fraction.size() > 6)
                throw fail(
                    "expected a number such as 40, -2.5 or 0.125 (15 digits and 6 "
                    "decimals at most)");
            whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
            while (!fraction.empty() && fraction.back() == '0')
                fraction.pop_back();
            std::string number = whole + (fraction.empty() ? "" : "." + fraction);
            return (negative && number != "0") ? "-" + number : number;
        }
        case FieldType::date:
            try {
                return format_date(parse_date(value, today));
            } catch (const Error& e) {
                throw fail(e.what());
            }
        case FieldType::amount:
            try {
                return format_units(parse_amount(value, currency_digits), currency_digits,
                                    Grouping::none);
            } catch (const Error& e) {
                throw fail(e.what());
            }
        case FieldType::choice:
            for (const auto& choice : field.choices)
                if (fold_name(choice) == fold_name(value)) return choice;
            throw fail(fmt::format("expected one of {}", join(field.choices, ", ")));
    }
    return value;
}

}  // namespace funnel
