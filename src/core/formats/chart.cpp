// The chart of a report: as SVG for html pages, as table cells for mail (webmail clients drop
// SVG): one group of bars per period, one bar per series.
#include <algorithm>

#include <fmt/format.h>

#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/formats/render.hpp"

namespace funnel {

std::string svg_chart(const Chart& chart) {
    constexpr int plot_height = 180, bar_width = 14, group_gap = 18, left = 90, top = 28,
                  bottom = 44;
    const int per_group = int(chart.series.size()) * bar_width + group_gap;
    const int width = left + std::max<int>(1, int(chart.labels.size())) * per_group + 20;
    const int height = top + plot_height + bottom;
    std::int64_t max_value = 0;
    for (const auto& series : chart.series)
        for (auto value : series.values)
            max_value = std::max(max_value, value);
    const auto y_of = [&](std::int64_t value) {
        if (max_value <= 0) return top + plot_height;
        return top + plot_height - int((value * plot_height + max_value / 2) / max_value);
    };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
        "viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\" "
        "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n"
        "<title>{2}</title>\n",
        width, height, html_escape(chart.title));
    // The axis: zero and the largest value.
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#8c959f\"/>\n"
        "<text x=\"{3}\" y=\"{1}\" text-anchor=\"end\">0</text>\n"
        "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        left, top + plot_height, width - 10, left - 6, top + 4,
        html_escape(format_units(max_value, chart.digits, Grouping::thousands)));
    for (std::size_t g = 0; g < chart.labels.size(); ++g) {
        const int x0 = left + int(g) * per_group + group_gap / 2;
        for (std::size_t s = 0; s < chart.series.size(); ++s) {
            const auto& series = chart.series[s];
            const std::int64_t value = g < series.values.size() ? series.values[g] : 0;
            const int y = y_of(value);
            svg += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}: "
                "{}</title></rect>\n",
                x0 + int(s) * bar_width, y, bar_width - 2, top + plot_height - y,
                html_escape(series.color), html_escape(chart.labels[g]), html_escape(series.name),
                html_escape(format_units(value, chart.digits, Grouping::thousands)));
        }
        svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                           x0 + int(chart.series.size()) * bar_width / 2, top + plot_height + 16,
                           html_escape(chart.labels[g]));
    }
    int legend_x = left;
    for (const auto& series : chart.series) {
        svg += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
            "<text x=\"{}\" y=\"{}\">{}</text>\n",
            legend_x, height - 14, html_escape(series.color), legend_x + 14, height - 5,
            html_escape(series.name));
        legend_x += 24 + int(display_width(series.name)) * 7;
    }
    svg += fmt::format("<text x=\"{}\" y=\"16\" font-weight=\"bold\">{}</text>\n", left,
                       html_escape(chart.title));
    return svg + "</svg>\n";
}

std::string table_chart(const Chart& chart) {
    std::int64_t max_value = 0;
    for (const auto& series : chart.series)
        for (auto value : series.values)
            max_value = std::max(max_value, value);
    const auto width_of = [&](std::int64_t value) {
        if (max_value <= 0 || value <= 0) return std::int64_t(0);
        return (value * table_chart_width + max_value / 2) / max_value;
    };
    constexpr const char* cell = "padding:1px 8px 1px 0;white-space:nowrap;";
    std::string html = fmt::format(
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
        "style=\"border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:12px;"
        "margin:0 0 16px 0\">\n<caption style=\"font-weight:bold;text-align:left;padding:0 0 "
        "6px 0\">{}</caption>\n",
        html_escape(chart.title));
    for (std::size_t g = 0; g < chart.labels.size(); ++g)
        for (std::size_t s = 0; s < chart.series.size(); ++s) {
            const auto& series = chart.series[s];
            const std::int64_t value = g < series.values.size() ? series.values[g] : 0;
            const std::int64_t width = width_of(value);
            // A bar is a cell of its own width and colour inside a table as wide as the
            // largest bar: widths in pixels, which every client keeps.
            const std::string bar =
                width > 0 ? fmt::format(
                                "<td width=\"{0}\" height=\"10\" bgcolor=\"{1}\" "
                                "style=\"width:{0}px;height:10px;background-color:{1};"
                                "font-size:0;line-height:0\">&nbsp;</td>",
                                width, html_escape(series.color))
                          : std::string();
            html += fmt::format(
                "<tr><td style=\"{0}font-weight:bold\">{1}</td><td style=\"{0}color:#57606a\">{2}"
                "</td><td width=\"{3}\" style=\"width:{3}px;padding:1px 0\"><table "
                "role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
                "style=\"border-collapse:collapse\"><tr>{4}</tr></table></td><td "
                "style=\"{0}padding-left:8px;text-align:right\">{5}</td></tr>\n",
                cell, s == 0 ? html_escape(chart.labels[g]) : std::string(),
                html_escape(series.name), table_chart_width, bar,
                html_escape(format_units(value, chart.digits, Grouping::thousands)));
        }
    return html + "</table>\n";
}

}  // namespace funnel
