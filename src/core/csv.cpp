#include "funnel/csv.hpp"

#include <cstring>

#include <fmt/format.h>

#include "funnel/error.hpp"

namespace funnel {

namespace {
constexpr std::size_t buffer_size = 1 << 16;
}

CsvReader::CsvReader(std::FILE* file, char delimiter)
    : file_(file), buffer_(buffer_size), delimiter_(delimiter) {
    fill();
    if (size_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) position_ = 3;
    if (!delimiter_) detect_delimiter();
}

bool CsvReader::fill() {
    if (position_ < size_) return true;
    consumed_ += size_;
    position_ = 0;
    size_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    if (size_ == 0 && std::ferror(file_))
        throw runtime_failure(fmt::format("cannot read the file: {}", std::strerror(errno)));
    return size_ > 0;
}

int CsvReader::peek() {
    if (!fill()) return -1;
    return static_cast<unsigned char>(buffer_[position_]);
}

void CsvReader::detect_delimiter() {
    // The first line as far as the buffer holds it: a header longer than 64 KiB is not one.
    std::size_t counts[3] = {0, 0, 0};
    const char candidates[3] = {',', ';', '\t'};
    bool quoted = false;
    for (std::size_t i = position_; i < size_; ++i) {
        const char c = buffer_[i];
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\n' || c == '\r') break;
        for (int k = 0; k < 3; ++k)
            if (c == candidates[k]) ++counts[k];
    }
    delimiter_ = ',';
    std::size_t best = 0;
    for (int k = 0; k < 3; ++k)
        if (counts[k] > best) {
            best = counts[k];
            delimiter_ = candidates[k];
        }
}

bool CsvReader::next(std::vector<std::string>& fields) {
    std::size_t count = 0;
    const auto field = [&]() -> std::string& {
        if (count == fields.size()) fields.emplace_back();
        std::string& text = fields[count++];
        text.clear();
        return text;
    };
    // Skips blank lines; a record starts at the first byte that is not a line end.
    for (;;) {
        const int c = peek();
        if (c < 0) {
            fields.clear();
            return false;
        }
        if (c == '\n') {
            ++position_;
            ++line_;
        } else if (c == '\r') {
            ++position_;
            if (peek() == '\n') ++position_;
            ++line_;
        } else {
            break;
        }
    }
    ++record_;
    record_line_ = line_;
    std::string* text = &field();
    for (;;) {
        int c = peek();
        if (c == '"' && text->empty()) {
            // A quoted field runs to the quote that is not doubled.
            ++position_;
            const std::int64_t opened = line_;
            for (;;) {
                if (!fill())
                    throw invalid_input(
                        fmt::format("line {}: a quoted field that starts there is never closed "
                                    "(a closing quote is missing)",
                                    opened));
                const char* start = buffer_.data() + position_;
                const char* stop =
                    static_cast<const char*>(std::memchr(start, '"', size_ - position_));
                const char* end = stop ? stop : buffer_.data() + size_;
                for (const char* p = start; p < end; ++p)
                    if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'))) ++line_;
                text->append(start, end);
                position_ = std::size_t(end - buffer_.data());
                if (!stop) continue;
                ++position_;  // the quote
                if (peek() == '"') {
                    *text += '"';
                    ++position_;
                    continue;
                }
                break;
            }
            c = peek();
            if (c >= 0 && c != delimiter_ && c != '\n' && c != '\r')
                throw invalid_input(fmt::format(
                    "line {}: text after the closing quote of a field (a quote inside a quoted "
                    "field is written twice: \"\")",
                    line_));
        }
        if (c < 0) break;
        if (c == delimiter_) {
            ++position_;
            text = &field();
            continue;
        }
        if (c == '\n' || c == '\r') {
            ++position_;
            if (c == '\r' && peek() == '\n') ++position_;
            ++line_;
            break;
        }
        // An unquoted run, up to the next delimiter or line end.
        const char* start = buffer_.data() + position_;
        const char* end = buffer_.data() + size_;
        const char* p = start;
        while (p < end && *p != delimiter_ && *p != '\n' && *p != '\r')
            ++p;
        text->append(start, p);
        position_ = std::size_t(p - buffer_.data());
    }
    fields.resize(count);
    return true;
}

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
    bool needs_quotes = !field.empty() && (field.front() == ' ' || field.back() == ' ');
    for (char c : field)
        if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
            needs_quotes = true;
            break;
        }
    if (!needs_quotes) {
        out.append(field);
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string csv_field(std::string_view field, char delimiter) {
    std::string out;
    append_csv_field(out, field, delimiter);
    return out;
}

std::string spreadsheet_safe(std::string_view field) {
    if (!field.empty() && (field.front() == '=' || field.front() == '+' || field.front() == '-' ||
                           field.front() == '@' || field.front() == '\t' || field.front() == '\r'))
        return "'" + std::string(field);
    return std::string(field);
}

}  // namespace funnel
