// Renderers: any Table or Record as table, json, jsonl, csv, tsv, markdown or html.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "funnel/formats/table.hpp"

namespace funnel {

enum class Format { table, json, jsonl, csv, tsv, markdown, html };

Format parse_format(std::string_view text);  // throws Error(invalid)
std::string_view to_string(Format format);
// json, jsonl, csv and tsv carry every field for scripts; the others are for people.
bool is_machine_format(Format format);

struct RenderOptions {
    bool color = false;   // ANSI colour in table output
    bool unicode = true;  // Unicode bars and rules; plain ASCII otherwise
    // csv and tsv text cells as stored, even those a spreadsheet would run as a formula; by
    // default those get a leading apostrophe (spreadsheet_safe).
    bool raw = false;
    std::string title;  // the page title of html output
    // html for mail: charts as table cells with inline styles (table_chart), not SVG, which
    // widely used webmail clients do not show.
    bool mail = false;
    // Columns of the terminal that tables must fit in (0: no limit). Text columns whose cells
    // differ in width give way, the name first, cut with "…"; numbers, dates and codes stay whole.
    std::size_t width = 0;
};

// Renders rows as they come: the machine formats stream, the table format waits for the last
// row to align its columns.
class RowRenderer {
  public:
    virtual ~RowRenderer() = default;
    virtual void begin(const std::vector<Column>& columns) = 0;
    virtual void row(const Row& row) = 0;
    virtual void end() = 0;
};

std::unique_ptr<RowRenderer> make_renderer(Format format, std::ostream& out,
                                           const RenderOptions& options);

void render_table(Format format, std::ostream& out, const RenderOptions& options,
                  const Table& table);
void render_record(Format format, std::ostream& out, const RenderOptions& options,
                   const Record& record);

// A bar chart for the html page of a report: one group of bars per label, one bar per series.
struct ChartSeries {
    std::string name;
    std::string color;                 // a CSS colour, e.g. #0969da
    std::vector<std::int64_t> values;  // one per label, in units of 10^-digits
};

struct Chart {
    std::string title;
    std::vector<std::string> labels;
    std::vector<ChartSeries> series;
    int digits = 2;
};

// A report: its table, and for the html page a title, charts and notes.
struct Report {
    std::string title;
    Table table;
    std::vector<Chart> charts;
    std::vector<std::string> notes;  // below the table: how figures were computed
};

void render_report(Format format, std::ostream& out, const RenderOptions& options,
                   const Report& report);

// An inline SVG bar chart, every text escaped.
std::string svg_chart(const Chart& chart);
// The same as an html table: a row per period and series, its bar a cell as many pixels wide
// as its value is of the largest, out of table_chart_width; every text escaped.
inline constexpr int table_chart_width = 300;
std::string table_chart(const Chart& chart);

// Escaping for each format, shared with the reports that write their own pages.
std::string html_escape(std::string_view text);

// A value as plain text: what csv, tsv and markdown show.
std::string plain_text(const Value& value);

}  // namespace funnel
