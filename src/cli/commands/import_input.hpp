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
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include "commands/transfer.hpp"

#include "funnel/error.hpp"
#include "funnel/formats/import.hpp"
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

// --encoding: "" for UTF-8. Throws Error(invalid) for one iconv does not know.
std::string encoding_of(const OptText& text);
// --delimiter: 0 for "the header line decides".
char delimiter_of(const OptText& text);

// "row 3, column 'Amount', value 'x': invalid amount: ..."
std::string describe(const CellError& error);
// How many of a file's errors are shown.
constexpr std::size_t errors_shown = 20;
// Prints the errors kept and throws Error(invalid) saying that nothing was imported.
[[noreturn]] void refuse_import(const std::string& label, const std::vector<CellError>& errors,
                                std::int64_t error_count, std::int64_t rows);

// 8,800
std::string n(std::int64_t value);
// "1 row", "8,800 rows", "2 history entries".
std::string count(std::int64_t value, std::string_view one, std::string_view many = {});

}  // namespace funnel::cli::transfer
