// A cell's value as text: for csv and tsv, for people, for JSON.
#include "formats/cell_text.hpp"

#include <algorithm>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/formats/render.hpp"

namespace funnel {

namespace {
// name=value for each, joined with `separator`.
std::string assignments(const NamedValues& values, std::string_view separator) {
    std::vector<std::string> parts;
    for (const auto& item : values.items)
        parts.push_back(item.name + "=" + item.value);
    return valid_utf8(join(parts, separator));
}
}  // namespace

std::string plain_text(const Value& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return {}; }
        std::string operator()(const std::string& text) const { return valid_utf8(text); }
        std::string operator()(std::int64_t number) const { return std::to_string(number); }
        std::string operator()(const Decimal& decimal) const {
            return format_plain_number(decimal.units, decimal.digits);
        }
        std::string operator()(const Bar&) const { return {}; }
        std::string operator()(bool value) const { return value ? "true" : "false"; }
        std::string operator()(const Words& words) const {
            return valid_utf8(join(words.items, ";"));
        }
        std::string operator()(const NamedValues& values) const { return assignments(values, ";"); }
    };
    return std::visit(Visitor{}, value);
}

std::string bar_text(const Bar& bar, bool unicode) {
    constexpr std::int64_t width = 20;
    if (bar.scale <= 0 || bar.value <= 0) return {};
    const std::int64_t value = std::min(bar.value, bar.scale);
    if (!unicode) {
        // Round to the nearest column, but never hide a non-zero value.
        const std::int64_t columns =
            std::max<std::int64_t>(1, (value * width * 2 + bar.scale) / (2 * bar.scale));
        return std::string(std::size_t(columns), '#');
    }
    const std::int64_t eighths =
        std::max<std::int64_t>(1, (value * width * 8 * 2 + bar.scale) / (2 * bar.scale));
    static const char* const partial[] = {"",       "\u258F", "\u258E", "\u258D",
                                          "\u258C", "\u258B", "\u258A", "\u2589"};
    std::string out;
    for (std::int64_t i = 0; i < eighths / 8; ++i)
        out += "\u2588";
    out += partial[eighths % 8];
    return out;
}

std::string human_text(const Value& value, const Column& column, bool unicode, bool keep_lines) {
    if (const auto* decimal = std::get_if<Decimal>(&value))
        return format_units(decimal->units, decimal->digits, Grouping::thousands) +
               (column.unit == Unit::percent ? "%" : "");
    if (const auto* number = std::get_if<std::int64_t>(&value))
        return std::to_string(*number) + (column.unit == Unit::percent ? "%" : "");
    if (const auto* bar = std::get_if<Bar>(&value)) return bar_text(*bar, unicode);
    if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "yes" : "no";
    if (const auto* words = std::get_if<Words>(&value)) return valid_utf8(join(words->items, " "));
    if (const auto* named = std::get_if<NamedValues>(&value)) return assignments(*named, " ");
    if (column.unit == Unit::amount && std::holds_alternative<std::monostate>(value))
        return unicode ? "\u2014" : "-";
    std::string text = plain_text(value);
    if (column.unit == Unit::timestamp && text.size() >= 16 && text[10] == 'T') {
        text = text.substr(0, 16);
        text[10] = ' ';
    }
    for (char& c : text)
        if ((c == '\n' && !keep_lines) || c == '\r' || c == '\t') c = ' ';
    return text;
}

std::string json_value(const Value& value) {
    if (std::holds_alternative<std::monostate>(value)) return "null";
    if (const auto* text = std::get_if<std::string>(&value)) return json_string(*text);
    if (const auto* words = std::get_if<Words>(&value)) {
        std::string out = "[";
        for (const auto& item : words->items)
            out += (out.size() > 1 ? ", " : "") + json_string(item);
        return out + "]";
    }
    if (const auto* named = std::get_if<NamedValues>(&value)) {
        std::string out = "{";
        for (const auto& item : named->items)
            out += (out.size() > 1 ? ", " : "") + json_string(item.name) + ": " +
                   (item.number ? item.value : json_string(item.value));
        return out + "}";
    }
    return plain_text(value);
}

}  // namespace funnel
