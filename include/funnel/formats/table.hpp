// A table of values: what every list, record and report returns, for the renderers to draw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace funnel {

// An exact decimal: `units` of 10^-digits (an amount in minor units, or a rate).
struct Decimal {
    std::int64_t units = 0;
    int digits = 0;
};

// A proportional bar for people: `value` out of `scale`.
struct Bar {
    std::int64_t value = 0;
    std::int64_t scale = 0;
};

// Words of their own, such as tags: a JSON array, joined with ';' in csv and tsv, with spaces
// for people.
struct Words {
    std::vector<std::string> items;
};

// Named values (custom fields): a JSON object (numbers as numbers), name=value for the others.
struct NamedValue {
    std::string name;
    std::string value;
    bool number = false;
};
struct NamedValues {
    std::vector<NamedValue> items;
};

using Value =
    std::variant<std::monostate, std::string, std::int64_t, Decimal, Bar, bool, Words, NamedValues>;

enum class Style { plain, good, bad, warn, dim, strong };

struct Cell {
    Value value;
    Style style = Style::plain;
};

// Who a column is for: machine formats carry every field, tables for people show fewer.
enum class Audience { everyone, people, machines };
// How people read a value: 50%, a timestamp to the minute, or an amount (none yet reads —).
enum class Unit { none, percent, timestamp, amount };

struct Column {
    std::string key;     // the stable name in json, csv and tsv
    std::string header;  // what people read in a table
    Audience audience = Audience::everyone;
    Unit unit = Unit::none;
};

using Row = std::vector<Cell>;

struct Table {
    std::vector<Column> columns;
    std::vector<Row> rows;
};

// A table of related records shown below a record.
struct Section {
    std::string key;    // the array's name in json
    std::string title;  // the heading people read
    Table table;
};

// One record with tables of related records below it ("opp show", "org show").
struct Record {
    std::vector<Column> columns;
    Row values;
    std::vector<Section> sections;
};

inline Cell null_cell() {
    return {};
}
inline Cell text_cell(std::string text, Style style = Style::plain) {
    return {Value{std::move(text)}, style};
}
// Empty text is no value: null in machine formats.
inline Cell optional_text_cell(std::string text) {
    if (text.empty()) return null_cell();
    return text_cell(std::move(text));
}
inline Cell words_cell(std::vector<std::string> items) {
    return {Value{Words{std::move(items)}}, Style::plain};
}
inline Cell named_values_cell(std::vector<NamedValue> items) {
    return {Value{NamedValues{std::move(items)}}, Style::plain};
}
inline Cell integer_cell(std::int64_t value, Style style = Style::plain) {
    return {Value{value}, style};
}
inline Cell decimal_cell(std::int64_t units, int digits, Style style = Style::plain) {
    return {Value{Decimal{units, digits}}, style};
}
inline Cell bool_cell(bool value) {
    return {Value{value}};
}
inline Cell bar_cell(std::int64_t value, std::int64_t scale) {
    return {Value{Bar{value, scale}}};
}
// numerator / denominator rounded half up to `digits` decimals; 0 < denominator.
inline std::int64_t ratio_units(__int128 numerator, __int128 denominator, int digits) {
    __int128 scale = 1;
    for (int i = 0; i < digits; ++i)
        scale *= 10;
    return std::int64_t((numerator * scale * 2 + denominator) / (denominator * 2));
}
// A ratio as an exact decimal of `digits` places; no value when the denominator is not positive.
inline Cell ratio_cell(__int128 numerator, __int128 denominator, int digits,
                       Style style = Style::plain) {
    if (denominator <= 0) return null_cell();
    return decimal_cell(ratio_units(numerator, denominator, digits), digits, style);
}
template <typename T>
Cell optional_integer_cell(const std::optional<T>& value) {
    if (!value) return null_cell();
    return integer_cell(static_cast<std::int64_t>(*value));
}

}  // namespace funnel
