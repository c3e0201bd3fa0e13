#include "commands/import_input.hpp"

#include <iostream>

#include <fmt/format.h>

#include "args.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/formats/views.hpp"

namespace funnel::cli::transfer {

std::string file_name(const std::string& path) {
    if (path == "-") return "standard input";
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::pair<std::string, std::string>> stage_maps_of(
    const std::vector<std::string>& maps) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& text : maps)
        out.push_back(parse_option("--stage-map", text, split_assignment));
    return out;
}

std::string date_format_of(const OptText& text) {
    if (!text) return "";
    parse_option("--date-format", *text,
                 [](const std::string& format) { validate_date_format(format); });
    return *text;
}

void add_reading_options(Command& command, OptText& delimiter, OptText& encoding,
                         OptText& timezone) {
    command
        .option("--delimiter", delimiter, "',', ';', '|' or tab (default: the header line decides)")
        .type_name("CHAR");
    command
        .option("--encoding", encoding,
                "The file's text encoding: windows-1252 (Excel's CSV on Windows), latin1, utf-16 "
                "(Excel's Unicode text), ... (default utf-8)")
        .type_name("NAME");
    command
        .option("--timezone", timezone,
                "The file's times are UTC: read them as local times of this zone "
                "(America/Mexico_City, Europe/Paris, ...)")
        .type_name("ZONE");
}

std::string encoding_of(const OptText& text) {
    if (!text) return "";
    if (!known_encoding(*text))
        throw invalid_input(
            fmt::format("invalid --encoding {}: not an encoding this system knows; expected utf-8, "
                        "windows-1252, latin1, utf-16 or another name that iconv --list shows",
                        in_quotes(*text)));
    return *text;
}

char delimiter_of(const OptText& text) {
    if (!text) return 0;
    if (*text == "," || *text == ";" || *text == "|") return (*text)[0];
    if (*text == "\t" || *text == "\\t" || iequals(*text, "tab")) return '\t';
    throw invalid_input(
        fmt::format("invalid --delimiter {}: expected ',', ';', '|' or tab", in_quotes(*text)));
}

std::string describe(const CellError& error) {
    std::string where = fmt::format("row {}", error.row);
    if (!error.column.empty()) where += fmt::format(", column {}", in_quotes(error.column));
    if (!error.value.empty()) where += fmt::format(", value {}", in_quotes(error.value));
    return where + ": " + error.message;
}

std::string n(std::int64_t value) {
    return format_units(value, 0, Grouping::thousands);
}

std::string count(std::int64_t value, std::string_view one, std::string_view many) {
    if (value == 1) return fmt::format("1 {}", one);
    return many.empty() ? fmt::format("{} {}s", n(value), one)
                        : fmt::format("{} {}", n(value), many);
}

ImportFile::ImportFile(const Session& session, const std::string& name, char delimiter,
                       const std::string& encoding)
    : input_(name),
      input_name_(name),
      label_(input_.label()),
      reader_(named([&] { return CsvReader(input_.file(), delimiter, encoding); })),
      progress_(session, input_.size()),
      started_(std::chrono::steady_clock::now()) {
    if (!named([&] { return reader_.next(header_); }))
        throw invalid_input(fmt::format("{} is empty: expected a header line", label_));
    if (!reader_.guessed_encoding().empty())
        session.note(fmt::format("{}: read as {} text (--encoding sets another)", label_,
                                 reader_.guessed_encoding()));
}

std::optional<std::string> ImportFile::guess_date_format(const std::vector<std::size_t>& columns,
                                                         char delimiter,
                                                         const std::string& encoding) {
    if (columns.empty() || input_.file() == stdin) return std::nullopt;
    const Input again(input_name_);
    CsvReader reader = named([&] { return CsvReader(again.file(), delimiter, encoding); });
    DateFormatGuess guess;
    std::vector<std::string> cells;
    named([&] { return reader.next(cells); });  // the header
    while (!guess.settled() && named([&] { return reader.next(cells); }))
        for (const auto column : columns)
            if (column < cells.size()) guess.see(cells[column]);
    if (!guess.format() && !guess.undecided().empty())
        throw invalid_input(fmt::format(
            "{}: dates such as {} could have the day or the month first, and none has a day "
            "above 12 to tell: give --date-format (%d/%m/%Y or %m/%d/%Y, with the file's "
            "separator)",
            label_, in_quotes(guess.undecided())));
    return guess.format();
}

void ImportFile::each_row(
    const std::function<std::int64_t(std::int64_t, const std::vector<std::string>&,
                                     std::vector<CellError>&)>& add) {
    const auto row = [&](std::int64_t record, const std::vector<std::string>& cells) {
        const std::size_t before = errors_.size();
        const std::int64_t rows = add(record, cells, errors_);
        error_count_ += std::int64_t(errors_.size() - before);
        if (errors_.size() > errors_shown) errors_.resize(errors_shown);
        progress_.update(reader_.offset(), rows);
    };
    // Rows that look like a report's footer wait: at the end of the file they are one, and are
    // left out; followed by data, they were data.
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> footer;
    std::vector<std::string> cells;
    while (named([&] { return reader_.next(cells); })) {
        if (is_footer_row(cells, !footer.empty())) {
            footer.emplace_back(reader_.record(), cells);
            continue;
        }
        for (const auto& [record, held] : footer)
            row(record, held);
        footer.clear();
        row(reader_.record(), cells);
    }
    progress_.clear();
    if (footer.empty()) return;
    footer_rows_ = {footer.front().first, footer.back().first};
    for (const auto& cell : footer.front().second)
        if (!trim(cell).empty()) {
            footer_text_ = std::string(trim(cell));
            break;
        }
}

std::optional<std::string> ImportFile::footer_note() const {
    if (!footer_rows_) return std::nullopt;
    const auto [first, last] = *footer_rows_;
    return fmt::format("{} the report's footer ({}...): left out",
                       first == last ? fmt::format("row {} is", first)
                                     : fmt::format("rows {} to {} are", first, last),
                       in_quotes(footer_text_));
}

void ImportFile::refuse_if_errors(std::int64_t rows) {
    if (error_count_ == 0) return;
    std::cout.flush();
    for (const auto& error : errors_)
        std::cerr << "funnel: " << label_ << " " << describe(error) << '\n';
    throw invalid_input(fmt::format("{}: {} error{} in {} row{} read{}; nothing was imported",
                                    label_, error_count_, error_count_ == 1 ? "" : "s", n(rows),
                                    rows == 1 ? "" : "s",
                                    error_count_ > std::int64_t(errors_.size())
                                        ? fmt::format(" (the first {} shown)", errors_.size())
                                        : ""));
}

double ImportFile::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::unique_ptr<RowRenderer> dry_run_listing(const Session& session, bool dry_run,
                                             const std::vector<Column>& columns) {
    if (!dry_run || session.quiet()) return nullptr;
    auto listing = make_renderer(session.format(), session.out(), session.render_options());
    listing->begin(columns);
    return listing;
}

}  // namespace funnel::cli::transfer
