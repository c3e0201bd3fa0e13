#include "funnel/formats/render.hpp"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "formats/cell_text.hpp"
#include "formats/table_fit.hpp"
#include "funnel/domain/money.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"

namespace funnel {

Format parse_format(std::string_view text) {
    const std::string word = ascii_lower(trim(text));
    for (auto format : {Format::table, Format::json, Format::jsonl, Format::csv, Format::tsv,
                        Format::markdown, Format::html})
        if (to_string(format) == word) return format;
    if (word == "md") return Format::markdown;
    throw invalid_input("expected table, json, jsonl, csv, tsv, markdown or html");
}

std::string_view to_string(Format format) {
    switch (format) {
        case Format::table:
            return "table";
        case Format::json:
            return "json";
        case Format::jsonl:
            return "jsonl";
        case Format::csv:
            return "csv";
        case Format::tsv:
            return "tsv";
        case Format::markdown:
            return "markdown";
        case Format::html:
            return "html";
    }
    return "table";
}

bool is_machine_format(Format format) {
    return format == Format::json || format == Format::jsonl || format == Format::csv ||
           format == Format::tsv;
}

std::string html_escape(std::string_view raw) {
    return escaped(
        valid_utf8(raw),
        {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}});
}

namespace {

bool for_people(const Column& column) {
    return column.audience != Audience::machines;
}
bool for_machines(const Column& column) {
    return column.audience != Audience::people;
}

bool is_number(const Value& value) {
    return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<Decimal>(value);
}

const char* ansi_code(Style style) {
    switch (style) {
        case Style::plain:
            return nullptr;
        case Style::good:
            return "32";
        case Style::bad:
            return "31";
        case Style::warn:
            return "33";
        case Style::dim:
            return "2";
        case Style::strong:
            return "1";
    }
    return nullptr;
}

std::string paint(const std::string& text, Style style, bool color) {
    const char* code = ansi_code(style);
    if (!color || !code || text.empty()) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

std::string pad(const std::string& text, std::size_t width, bool right) {
    const std::size_t used = display_width(text);
    if (used >= width) return text;
    const std::string fill(width - used, ' ');
    return right ? fill + text : text + fill;
}

void rstrip_line(std::string& line) {
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
}

std::vector<std::size_t> visible(const std::vector<Column>& columns, bool machines) {
    std::vector<std::size_t> indexes;
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (machines ? for_machines(columns[i]) : for_people(columns[i])) indexes.push_back(i);
    return indexes;
}

// {"key": value, ...}; `pretty` puts each field on its own line.
std::string json_object(const std::vector<Column>& columns, const Row& row, bool compact) {
    std::string out = "{";
    bool first = true;
    for (std::size_t i : visible(columns, true)) {
        if (!first) out += compact ? "," : ", ";
        first = false;
        out += json_string(columns[i].key);
        out += compact ? ":" : ": ";
        out += json_value(row[i].value);
    }
    return out + "}";
}

class TableRenderer : public RowRenderer {
  public:
    TableRenderer(std::ostream& out, RenderOptions options) : out_(out), options_(options) {}
    void begin(const std::vector<Column>& columns) override {
        columns_ = columns;
        shown_ = visible(columns, false);
    }
    void row(const Row& row) override { rows_.push_back(row); }
    void end() override {
        if (rows_.empty()) return;
        std::vector<std::vector<std::string>> texts;
        std::vector<std::size_t> widths(shown_.size());
        std::vector<bool> right(shown_.size(), false);
        for (std::size_t c = 0; c < shown_.size(); ++c)
            widths[c] = display_width(columns_[shown_[c]].header);
        for (const auto& row : rows_) {
            auto& line = texts.emplace_back();
            for (std::size_t c = 0; c < shown_.size(); ++c) {
                const auto& cell = row[shown_[c]];
                line.push_back(human_text(cell.value, columns_[shown_[c]], options_.unicode));
                widths[c] = std::max(widths[c], display_width(line.back()));
                if (is_number(cell.value)) right[c] = true;
            }
        }
        const std::size_t drawn =
            options_.width
                ? fit_to_width({columns_, shown_, rows_, options_.width, options_.unicode}, texts,
                               widths, right)
                : shown_.size();
        std::string header, rule;
        for (std::size_t c = 0; c < drawn; ++c) {
            if (c) header += "  ", rule += "  ";
            header += paint(pad(columns_[shown_[c]].header, widths[c], right[c]), Style::strong,
                            options_.color);
            rule += std::string(widths[c], '-');
        }
        rstrip_line(header);
        rstrip_line(rule);
        out_ << header << '\n' << rule << '\n';
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            std::string line;
            for (std::size_t c = 0; c < drawn; ++c) {
                if (c) line += "  ";
                line += paint(pad(texts[r][c], widths[c], right[c]), rows_[r][shown_[c]].style,
                              options_.color);
            }
            rstrip_line(line);
            out_ << line << '\n';
        }
    }

  private:
    std::ostream& out_;
    RenderOptions options_;
    std::vector<Column> columns_;
    std::vector<std::size_t> shown_;
    std::vector<Row> rows_;
};

class JsonRenderer : public RowRenderer {
  public:
    explicit JsonRenderer(std::ostream& out) : out_(out) {}
    void begin(const std::vector<Column>& columns) override { columns_ = columns; }
    void row(const Row& row) override {
        out_ << (count_++ ? ",\n  " : "[\n  ") << json_object(columns_, row, false);
    }
    void end() override { out_ << (count_ ? "\n]\n" : "[]\n"); }

  private:
    std::ostream& out_;
    std::vector<Column> columns_;
    std::size_t count_ = 0;
};

class JsonLinesRenderer : public RowRenderer {
  public:
    explicit JsonLinesRenderer(std::ostream& out) : out_(out) {}
    void begin(const std::vector<Column>& columns) override { columns_ = columns; }
    void row(const Row& row) override { out_ << json_object(columns_, row, true) << '\n'; }
    void end() override {}

  private:
    std::ostream& out_;
    std::vector<Column> columns_;
};

std::string tsv_field(std::string_view raw) {
    return escaped(raw, {{'\t', "\\t"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\\', "\\\\"}});
}

class DelimitedRenderer : public RowRenderer {
  public:
    DelimitedRenderer(std::ostream& out, char delimiter, bool raw)
        : out_(out), delimiter_(delimiter), raw_(raw) {}
    void begin(const std::vector<Column>& columns) override {
        columns_ = columns;
        shown_ = visible(columns, true);
        std::string line;
        for (std::size_t c = 0; c < shown_.size(); ++c) {
            if (c) line += delimiter_;
            line += field(columns_[shown_[c]].key);
        }
        out_ << line << '\n';
    }
    void row(const Row& row) override {
        std::string line;
        for (std::size_t c = 0; c < shown_.size(); ++c) {
            if (c) line += delimiter_;
            const Value& value = row[shown_[c]].value;
            // Text may be anything people typed; numbers and dates are never formulas.
            line += raw_ || !std::holds_alternative<std::string>(value)
                        ? field(plain_text(value))
                        : field(spreadsheet_safe(plain_text(value)));
        }
        out_ << line << '\n';
    }
    void end() override {}

  private:
    std::string field(std::string_view text) const {
        return delimiter_ == '\t' ? tsv_field(text) : csv_field(text, delimiter_);
    }
    std::ostream& out_;
    char delimiter_;
    bool raw_;
    std::vector<Column> columns_;
    std::vector<std::size_t> shown_;
};

// Text in a markdown table cell: markdown's punctuation escaped so that nothing becomes a link,
// an image or emphasis, and HTML's so that a viewer renders no tag.
std::string markdown_cell(std::string_view text) {
    return escaped(text, {{'<', "&lt;"},
                          {'>', "&gt;"},
                          {'&', "&amp;"},
                          {'|', "\\|"},
                          {'\\', "\\\\"},
                          {'`', "\\`"},
                          {'*', "\\*"},
                          {'_', "\\_"},
                          {'[', "\\["},
                          {']', "\\]"}});
}

class MarkdownRenderer : public RowRenderer {
  public:
    MarkdownRenderer(std::ostream& out, RenderOptions options) : out_(out), options_(options) {}
    void begin(const std::vector<Column>& columns) override {
        columns_ = columns;
        shown_ = visible(columns, false);
    }
    void row(const Row& row) override { rows_.push_back(row); }
    void end() override {
        std::string header = "|", rule = "|";
        for (std::size_t c : shown_) {
            const bool right = std::any_of(rows_.begin(), rows_.end(),
                                           [&](const Row& row) { return is_number(row[c].value); });
            header += " " + markdown_cell(columns_[c].header) + " |";
            rule += right ? " ---: |" : " --- |";
        }
        out_ << header << '\n' << rule << '\n';
        for (const auto& row : rows_) {
            std::string line = "|";
            for (std::size_t c : shown_)
                line += " " +
                        markdown_cell(human_text(row[c].value, columns_[c], options_.unicode)) +
                        " |";
            out_ << line << '\n';
        }
    }

  private:
    std::ostream& out_;
    RenderOptions options_;
    std::vector<Column> columns_;
    std::vector<std::size_t> shown_;
    std::vector<Row> rows_;
};

const char* const html_style =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;"
    "margin:24px}"
    "h1{font-size:20px}h2{font-size:16px;margin-top:24px}"
    "table{border-collapse:collapse;font-size:14px}"
    "th,td{padding:4px 10px;border-bottom:1px solid #d0d7de;text-align:left;"
    "vertical-align:top}"
    "th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.bar{color:#0969da;white-space:nowrap}"
    "figure{margin:16px 0}p.note{color:#57606a;font-size:12px}";

std::string html_table(const std::vector<Column>& columns, const std::vector<Row>& rows) {
    const auto shown = visible(columns, false);
    std::vector<bool> right;
    for (std::size_t c : shown)
        right.push_back(std::any_of(rows.begin(), rows.end(),
                                    [&](const Row& row) { return is_number(row[c].value); }));
    std::string out = "<table>\n<thead><tr>";
    for (std::size_t i = 0; i < shown.size(); ++i)
        out += fmt::format("<th{}>{}</th>", right[i] ? " class=\"num\"" : "",
                           html_escape(columns[shown[i]].header));
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < shown.size(); ++i) {
            const Value& value = row[shown[i]].value;
            const char* cls = right[i]                             ? " class=\"num\""
                              : std::holds_alternative<Bar>(value) ? " class=\"bar\""
                                                                   : "";
            out += fmt::format("<td{}>{}</td>", cls,
                               html_escape(human_text(value, columns[shown[i]], true)));
        }
        out += "</tr>\n";
    }
    return out + "</tbody>\n</table>\n";
}

std::string html_page(const std::string& title, const std::string& body) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n{2}</body>\n"
        "</html>\n",
        html_escape(title.empty() ? "funnel" : title), html_style, body);
}

class HtmlRenderer : public RowRenderer {
  public:
    HtmlRenderer(std::ostream& out, RenderOptions options) : out_(out), options_(options) {}
    void begin(const std::vector<Column>& columns) override { columns_ = columns; }
    void row(const Row& row) override { rows_.push_back(row); }
    void end() override { out_ << html_page(options_.title, html_table(columns_, rows_)); }

  private:
    std::ostream& out_;
    RenderOptions options_;
    std::vector<Column> columns_;
    std::vector<Row> rows_;
};

// A record's fields as a two-column table, for the formats made for people.
Table field_table(const Record& record, bool unicode) {
    Table table{{{"field", "field"}, {"value", "value"}}, {}};
    for (std::size_t i : visible(record.columns, false))
        table.rows.push_back(
            {text_cell(record.columns[i].header),
             {Value{human_text(record.values[i].value, record.columns[i], unicode)},
              record.values[i].style}});
    return table;
}

void render_record_text(std::ostream& out, const RenderOptions& options, const Record& record) {
    const auto shown = visible(record.columns, false);
    std::size_t width = 0;
    for (std::size_t i : shown)
        width = std::max(width, display_width(record.columns[i].header));
    for (std::size_t i : shown) {
        const Column& column = record.columns[i];
        const Cell& cell = record.values[i];
        const std::string value = human_text(cell.value, column, options.unicode, true);
        // Multi-line text keeps its lines, indented under the value column.
        std::string indented;
        for (char c : value) {
            indented += c;
            if (c == '\n') indented += std::string(width + 2, ' ');
        }
        std::string line = paint(pad(column.header, width, false), Style::strong, options.color) +
                           "  " + paint(indented, cell.style, options.color);
        rstrip_line(line);
        out << line << '\n';
    }
    for (const auto& section : record.sections) {
        out << '\n' << paint(section.title, Style::strong, options.color) << '\n';
        if (section.table.rows.empty()) {
            out << "  (none)\n";
            continue;
        }
        render_table(Format::table, out, options, section.table);
    }
}

std::string json_record(const Record& record, bool compact) {
    if (compact) {
        std::string out = json_object(record.columns, record.values, true);
        out.pop_back();
        for (const auto& section : record.sections) {
            out += "," + json_string(section.key) + ":[";
            for (std::size_t r = 0; r < section.table.rows.size(); ++r)
                out += (r ? "," : "") +
                       json_object(section.table.columns, section.table.rows[r], true);
            out += "]";
        }
        return out + "}";
    }
    std::string out = "{";
    bool first = true;
    for (std::size_t i : visible(record.columns, true)) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += json_string(record.columns[i].key) + ": " + json_value(record.values[i].value);
    }
    for (const auto& section : record.sections) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += json_string(section.key) + ": [";
        for (std::size_t r = 0; r < section.table.rows.size(); ++r)
            out += (r ? ",\n    " : "\n    ") +
                   json_object(section.table.columns, section.table.rows[r], false);
        out += section.table.rows.empty() ? "]" : "\n  ]";
    }
    return out + "\n}";
}

}  // namespace

std::unique_ptr<RowRenderer> make_renderer(Format format, std::ostream& out,
                                           const RenderOptions& options) {
    switch (format) {
        case Format::table:
            return std::make_unique<TableRenderer>(out, options);
        case Format::json:
            return std::make_unique<JsonRenderer>(out);
        case Format::jsonl:
            return std::make_unique<JsonLinesRenderer>(out);
        case Format::csv:
            return std::make_unique<DelimitedRenderer>(out, ',', options.raw);
        case Format::tsv:
            return std::make_unique<DelimitedRenderer>(out, '\t', options.raw);
        case Format::markdown:
            return std::make_unique<MarkdownRenderer>(out, options);
        case Format::html:
            return std::make_unique<HtmlRenderer>(out, options);
    }
    return std::make_unique<TableRenderer>(out, options);
}

void render_table(Format format, std::ostream& out, const RenderOptions& options,
                  const Table& table) {
    auto renderer = make_renderer(format, out, options);
    renderer->begin(table.columns);
    for (const auto& row : table.rows)
        renderer->row(row);
    renderer->end();
}

void render_report(Format format, std::ostream& out, const RenderOptions& options,
                   const Report& report) {
    if (format == Format::html) {
        std::string body;
        for (const auto& chart : report.charts)
            body +=
                options.mail ? table_chart(chart) : "<figure>\n" + svg_chart(chart) + "</figure>\n";
        body += html_table(report.table.columns, report.table.rows);
        for (const auto& note : report.notes)
            body += "<p class=\"note\">" + html_escape(note) + "</p>\n";
        RenderOptions page = options;
        if (!report.title.empty()) page.title = report.title;
        out << html_page(page.title, body);
        return;
    }
    render_table(format, out, options, report.table);
    // Notes explain the figures to people; with no rows they say why ("No deal slipped.").
    if (format == Format::table || format == Format::markdown)
        for (const auto& note : report.notes)
            out << (report.table.rows.empty() ? "" : "\n") << note << '\n';
}

void render_record(Format format, std::ostream& out, const RenderOptions& options,
                   const Record& record) {
    switch (format) {
        case Format::table:
            render_record_text(out, options, record);
            return;
        case Format::json:
            out << json_record(record, false) << '\n';
            return;
        case Format::jsonl:
            out << json_record(record, true) << '\n';
            return;
        case Format::csv:
        case Format::tsv:
            render_table(format, out, options, {record.columns, {record.values}});
            return;
        case Format::markdown: {
            render_table(format, out, options, field_table(record, options.unicode));
            for (const auto& section : record.sections) {
                out << "\n### " << markdown_cell(section.title) << "\n\n";
                if (section.table.rows.empty())
                    out << "(none)\n";
                else
                    render_table(format, out, options, section.table);
            }
            return;
        }
        case Format::html: {
            std::string body = html_table({{"field", "Field"}, {"value", "Value"}},
                                          field_table(record, true).rows);
            for (const auto& section : record.sections)
                body += "<h2>" + html_escape(section.title) + "</h2>\n" +
                        (section.table.rows.empty()
                             ? std::string("<p>(none)</p>\n")
                             : html_table(section.table.columns, section.table.rows));
            out << html_page(options.title, body);
            return;
        }
    }
}

}  // namespace funnel
