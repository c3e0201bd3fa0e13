// What the import commands share: the file read, its progress, options about reading it, and
// how problems and counts are told.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include "commands/transfer.hpp"

#include "args.hpp"
#include "funnel/error.hpp"
#include "funnel/formats/csv.hpp"
#include "funnel/formats/import.hpp"
#include "funnel/formats/render.hpp"
#include "session.hpp"

namespace funnel::cli::transfer {

// A file named on the command line, or standard input for "-".
class Input {
  public:
    explicit Input(const std::string& name) : name_(name) {
        if (name == "-") {
            file_ = stdin;
            return;
        }
        file_ = std::fopen(name.c_str(), "rb");
        if (!file_)
            throw invalid_input(fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        struct stat info {};
        if (::fstat(::fileno(file_), &info) == 0) {
            if (S_ISDIR(info.st_mode)) {
                std::fclose(file_);
                throw invalid_input(fmt::format("cannot read {}: it is a folder", name));
            }
            if (S_ISREG(info.st_mode)) size_ = static_cast<std::uint64_t>(info.st_size);
        }
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    ~Input() {
        if (file_ && file_ != stdin) std::fclose(file_);
    }
    std::FILE* file() const { return file_; }
    // How messages name it.
    std::string label() const { return name_ == "-" ? "standard input" : name_; }
    std::uint64_t size() const { return size_; }  // 0 when unknown

  private:
    std::string name_;
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
};

// The last part of a path, for notes in the history ("imported from pipeline.csv").
std::string file_name(const std::string& path);

// A percentage on stderr while a large file is read, when stderr is a terminal.
class Progress {
  public:
    Progress(const Session& session, std::uint64_t size)
        : size_(size),
          shown_(!session.quiet() && size >= 4'000'000 && ::isatty(STDERR_FILENO)),
          last_(std::chrono::steady_clock::now()) {}
    ~Progress() { clear(); }
    void update(std::uint64_t offset, std::int64_t rows) {
        if (!shown_ || (rows & 1023) != 0) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const int percent = int(offset * 100 / size_);
        const int width = 30;
        const int filled = percent * width / 100;
        std::cerr << fmt::format("\rfunnel: importing [{}{}] {:3}% {} rows",
                                 std::string(std::size_t(filled), '#'),
                                 std::string(std::size_t(width - filled), '.'), percent, rows)
                  << std::flush;
        drawn_ = true;
    }
    void clear() {
        if (drawn_) std::cerr << "\r\033[K" << std::flush;
        drawn_ = false;
    }

  private:
    std::uint64_t size_;
    bool shown_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_;
};

// The CSV file an import reads: opened, its header read, then its rows one by one, with the
// problems they have collected and a progress bar for a large file. A malformed file is named
// in the message.
class ImportFile {
  public:
    // `encoding` as encoding_of gives it; `delimiter` as delimiter_of. Throws Error(invalid)
    // for a file that cannot be read, or one without a header line.
    ImportFile(const Session& session, const std::string& name, char delimiter,
               const std::string& encoding);

    const std::string& label() const { return label_; }
    std::uint64_t size() const { return input_.size(); }
    const std::vector<std::string>& header() const { return header_; }

    // Runs `read`; an error it throws names the file.
    template <class Read>
    auto named(Read&& read) -> decltype(read()) {
        try {
            return read();
        } catch (const Error& e) {
            throw Error(e.kind(), fmt::format("{}: {}", label_, e.what()));
        }
    }

    // Without --date-format: the format the dates in `columns` are written in, read ahead
    // from the file (DateFormatGuess); nothing for ISO dates, or for standard input, which can
    // be read once only. Throws Error(invalid) when the dates could be day or month first.
    std::optional<std::string> guess_date_format(const std::vector<std::size_t>& columns,
                                                 char delimiter, const std::string& encoding);

    // Reads every row: `add` gets its number (as a spreadsheet numbers it), its cells and the
    // list its problems go to, and returns how many rows it has read so far (the progress bar).
    void each_row(
        const std::function<std::int64_t(std::int64_t row, const std::vector<std::string>& cells,
                                         std::vector<CellError>& errors)>& add);
    bool has_errors() const { return error_count_ > 0; }
    // After each_row: the report footer left out at the end of the file (is_footer_row), said.
    std::optional<std::string> footer_note() const;
    // After each_row and the transaction: with errors, prints those kept and throws
    // Error(invalid) saying that nothing was imported.
    void refuse_if_errors(std::int64_t rows);
    // Seconds since the file was opened.
    double seconds() const;

  private:
    Input input_;
    std::string input_name_;  // as given: "-" for standard input
    std::string label_;
    CsvReader reader_;
    std::vector<std::string> header_;
    Progress progress_;
    std::vector<CellError> errors_;
    std::int64_t error_count_ = 0;
    std::chrono::steady_clock::time_point started_;
    // The footer's rows, first and last, and its first text.
    std::optional<std::pair<std::int64_t, std::int64_t>> footer_rows_;
    std::string footer_text_;
};

// The listing a dry run prints as it goes; none for a real import or with --quiet.
std::unique_ptr<RowRenderer> dry_run_listing(const Session& session, bool dry_run,
                                             const std::vector<Column>& columns);

// The options both imports read alike: --map COLUMN=FIELD (each field read by `parse_field`),
// --stage-map FOREIGN=STAGE and --date-format. Throw Error(invalid) naming the option.
template <class ParseField>
auto column_maps(const std::vector<std::string>& maps, ParseField&& parse_field) {
    std::vector<std::pair<std::string, decltype(parse_field(std::string_view()))>> out;
    for (const auto& text : maps) {
        const auto [column, field] = parse_option("--map", text, split_assignment);
        out.emplace_back(column,
                         parse_option("--map", text, [&, &field = field](const std::string&) {
                             return parse_field(field);
                         }));
    }
    return out;
}
std::vector<std::pair<std::string, std::string>> stage_maps_of(
    const std::vector<std::string>& maps);
std::string date_format_of(const OptText& text);  // "" for YYYY-MM-DD

// --delimiter, --encoding and --timezone, as both imports describe them.
void add_reading_options(Command& command, OptText& delimiter, OptText& encoding,
                         OptText& timezone);

// --encoding: "" for UTF-8. Throws Error(invalid) for one iconv does not know.
std::string encoding_of(const OptText& text);
// --delimiter: 0 for "the header line decides".
char delimiter_of(const OptText& text);

// "row 3, column 'Amount', value 'x': invalid amount: ..."
std::string describe(const CellError& error);
// How many of a file's errors are shown.
constexpr std::size_t errors_shown = 20;

// 8,800
std::string n(std::int64_t value);
// "1 row", "8,800 rows", "2 history entries".
std::string count(std::int64_t value, std::string_view one, std::string_view many = {});

}  // namespace funnel::cli::transfer
