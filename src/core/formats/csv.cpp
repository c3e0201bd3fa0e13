#include "funnel/formats/csv.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

namespace {

constexpr std::size_t buffer_size = 1 << 16;

bool is_utf8(const std::string& encoding) {
    return encoding.empty() || iequals(encoding, "utf-8") || iequals(encoding, "utf8");
}

std::size_t read_bytes(std::FILE* file, char* into, std::size_t size) {
    const std::size_t got = std::fread(into, 1, size, file);
    if (got == 0 && std::ferror(file))
        throw runtime_failure(fmt::format("cannot read the file: {}", std::strerror(errno)));
    return got;
}

// Whether `text` is UTF-8 as far as it goes (a character cut off at its end is allowed).
bool valid_utf8_prefix(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const std::size_t length = byte < 0x80           ? 1
                                   : (byte >> 5) == 0x6  ? 2
                                   : (byte >> 4) == 0xE  ? 3
                                   : (byte >> 3) == 0x1E ? 4
                                                         : 0;
        if (length == 0 || (length == 2 && byte < 0xC2)) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= text.size()) return true;
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
        }
        i += length;
    }
    return true;
}

}  // namespace

bool known_encoding(const std::string& encoding) {
    if (is_utf8(encoding)) return true;
    const iconv_t converter = ::iconv_open("UTF-8", encoding.c_str());
    if (converter == iconv_t(-1)) return false;
    ::iconv_close(converter);
    return true;
}

// The file's bytes not yet converted, and iconv's state. A character in any encoding is far
// shorter than the raw buffer, and a quarter of the text buffer converts into it whatever the
// encoding.
struct CsvReader::Decoder {
    explicit Decoder(const std::string& name)
        : encoding(name), converter(::iconv_open("UTF-8", name.c_str())), raw(buffer_size / 4) {
        if (converter == iconv_t(-1))
            throw invalid_input(fmt::format("unknown encoding {}", in_quotes(name)));
    }
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;
    ~Decoder() { ::iconv_close(converter); }

    std::string encoding;
    iconv_t converter;
    std::vector<char> raw;
    std::string first;  // bytes read before the encoding was known: converted first
    std::size_t first_used = 0;
    std::size_t pending = 0;      // bytes at the start of raw not converted yet
    std::uint64_t converted = 0;  // bytes of the file converted so far
    bool at_end = false;
};

CsvReader::CsvReader(std::FILE* file, char delimiter, const std::string& encoding)
    : file_(file),
      decoder_(is_utf8(encoding) ? nullptr : std::make_unique<Decoder>(encoding)),
      buffer_(buffer_size),
      delimiter_(delimiter) {
    fill();
    // No encoding given: a UTF-16 byte order mark, or a first block that is not UTF-8, says
    // the file is UTF-16 or windows-1252 (what Excel and older CRMs write), and it is read so.
    if (encoding.empty() && size_ >= 2) {
        const std::string_view first(buffer_.data(), size_);
        if (first.starts_with("\xFF\xFE") || first.starts_with("\xFE\xFF"))
            guessed_ = "UTF-16";
        else if (!valid_utf8_prefix(first))
            guessed_ = "windows-1252";
        if (!guessed_.empty()) {
            decoder_ = std::make_unique<Decoder>(guessed_);
            decoder_->first.assign(first);
            size_ = position_ = 0;
            fill();
        }
    }
    // A NUL byte is never in UTF-8 text: the file is binary, or text in UTF-16.
    if (!decoder_ && std::memchr(buffer_.data(), 0, size_)) {
        const bool utf16 = size_ >= 2 && (std::memcmp(buffer_.data(), "\xFF\xFE", 2) == 0 ||
                                          std::memcmp(buffer_.data(), "\xFE\xFF", 2) == 0);
        throw invalid_input(utf16 ? "it is UTF-16 text: give --encoding UTF-16"
                                  : "it is not text (it holds NUL bytes): give a CSV file");
    }
    if (size_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) position_ = 3;
    if (!delimiter_) detect_delimiter();
}

CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;
CsvReader::~CsvReader() = default;

std::uint64_t CsvReader::offset() const {
    return decoder_ ? decoder_->converted : consumed_ + position_;
}

bool CsvReader::fill() {
    if (position_ < size_) return true;
    consumed_ += size_;
    position_ = 0;
    size_ = decoder_ ? decode() : read_bytes(file_, buffer_.data(), buffer_.size());
    return size_ > 0;
}

std::size_t CsvReader::decode() {
    Decoder& d = *decoder_;
    for (;;) {
        if (!d.at_end && d.pending < d.raw.size()) {
            std::size_t got = std::min(d.raw.size() - d.pending, d.first.size() - d.first_used);
            if (got > 0) {
                std::memcpy(d.raw.data() + d.pending, d.first.data() + d.first_used, got);
                d.first_used += got;
            } else {
                got = read_bytes(file_, d.raw.data() + d.pending, d.raw.size() - d.pending);
            }
            d.pending += got;
            d.at_end = got == 0;
        }
        char* in = d.raw.data();
        std::size_t in_left = d.pending;
        char* out = buffer_.data();
        std::size_t out_left = buffer_.size();
        const std::size_t result = ::iconv(d.converter, &in, &in_left, &out, &out_left);
        const int failure = result == std::size_t(-1) ? errno : 0;
        d.converted += d.pending - in_left;
        std::memmove(d.raw.data(), in, in_left);
        d.pending = in_left;
        if (failure == EILSEQ)
            throw invalid_input(fmt::format("byte {} is not {} text (check --encoding)",
                                            d.converted + 1, d.encoding));
        if (d.at_end && d.pending > 0)
            throw invalid_input(
                fmt::format("the file ends inside a character: it is not {} text "
                            "(check --encoding)",
                            d.encoding));
        if (d.at_end) ::iconv(d.converter, nullptr, nullptr, &out, &out_left);  // shift state
        const std::size_t produced = buffer_.size() - out_left;
        if (produced > 0 || d.at_end) return produced;
        // Only part of a character so far (EINVAL): read on, unless nothing fits.
        if (d.pending == d.raw.size())
            throw invalid_input(fmt::format("byte {} is not {} text (check --encoding)",
                                            d.converted + 1, d.encoding));
    }
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

namespace {
bool runs_as_formula(std::string_view field) {
    return !field.empty() &&
           (field.front() == '=' || field.front() == '+' || field.front() == '-' ||
            field.front() == '@' || field.front() == '\t' || field.front() == '\r');
}

// A cell a safe export wrote: apostrophes before what would run as a formula. Text that
// already looks so (a name typed as "'+1") gets one more, so that reading strips only that.
bool escaped(std::string_view field) {
    const auto text = field.find_first_not_of('\'');
    return text > 0 && text != std::string_view::npos && runs_as_formula(field.substr(text));
}

}  // namespace

std::string spreadsheet_safe(std::string_view field) {
    if (runs_as_formula(field) || escaped(field)) return "'" + std::string(field);
    return std::string(field);
}

std::string_view spreadsheet_text(std::string_view field) {
    if (escaped(field)) return field.substr(1);
    return field;
}

}  // namespace funnel
