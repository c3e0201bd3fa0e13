#include "formats/table_fit.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "funnel/domain/text.hpp"

namespace funnel {

namespace {

// Cut to `width` columns ending with "~" when something was cut, for terminals without UTF-8.
std::string ascii_truncated(const std::string& text, std::size_t width) {
    const std::string cut = truncate_to_width(text, width);
    if (cut == text) return cut;
    return cut.substr(0, cut.size() - std::string_view("\u2026").size()) + "~";
}

}  // namespace

std::size_t fit_to_width(const FitTable& table, std::vector<std::vector<std::string>>& texts,
                         std::vector<std::size_t>& widths, const std::vector<bool>& right) {
    std::size_t total = 2 * (widths.size() - 1);
    for (const auto w : widths)
        total += w;
    if (total <= table.width) return widths.size();
    // Bars, the last column of the reports that draw them, only illustrate the figures beside
    // them: they go first.
    std::size_t drawn = widths.size();
    const auto bars = [&](std::size_t c) {
        return std::any_of(table.rows.begin(), table.rows.end(), [&](const Row& row) {
            return std::holds_alternative<Bar>(row[table.shown[c]].value);
        });
    };
    while (total > table.width && drawn > 2 && bars(drawn - 1))
        total -= widths[--drawn] + 2;
    if (total <= table.width) return drawn;
    std::vector<std::size_t> least(widths.size(), 0);  // 0: does not narrow
    std::optional<std::size_t> name;
    for (std::size_t c = 0; c < drawn; ++c) {
        const Column& column = table.columns[table.shown[c]];
        bool text = !right[c] && column.unit == Unit::none;
        std::optional<std::size_t> first_width;
        bool varies = false;
        for (std::size_t r = 0; r < table.rows.size() && text; ++r) {
            const Value& value = table.rows[r][table.shown[c]].value;
            if (std::holds_alternative<std::monostate>(value)) continue;
            const auto w = display_width(texts[r][c]);
            if (first_width && *first_width != w) varies = true;
            first_width = w;
        }
        if (!text || !varies || bars(c)) continue;
        const std::size_t header = display_width(column.header);
        least[c] = std::max<std::size_t>(header, column.key == "name" ? 16 : 8);
        if (column.key == "name") name = c;
    }
    std::size_t excess = total - table.width;
    while (excess > 0) {
        std::optional<std::size_t> narrowed;
        if (name && widths[*name] > least[*name]) narrowed = name;
        for (std::size_t c = 0; c < drawn && !narrowed; ++c) {
            if (!least[c] || widths[c] <= least[c]) continue;
            if (!narrowed || widths[c] > widths[*narrowed]) narrowed = c;
        }
        if (!narrowed) break;
        --widths[*narrowed];
        --excess;
    }
    while (excess > 0 && drawn > 2) {
        --drawn;
        excess -= std::min(excess, widths[drawn] + 2);
    }
    for (auto& line : texts)
        for (std::size_t c = 0; c < drawn; ++c)
            if (least[c] && display_width(line[c]) > widths[c])
                line[c] = table.unicode ? truncate_to_width(line[c], widths[c])
                                        : ascii_truncated(line[c], widths[c]);
    return drawn;
}

}  // namespace funnel
