// Comma-separated values as RFC 4180 writes them, read as a stream: quoted fields with
// delimiters, quotes and line breaks inside, CRLF, LF or CR line ends, a UTF-8 byte order mark,
// and a comma, semicolon or tab as the delimiter. Memory does not grow with the file, only
// with the longest record.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace funnel {

// Whether text in `encoding` can be read: UTF-8, or a name iconv knows ("windows-1252",
// "latin1", "UTF-16", ...).
bool known_encoding(const std::string& encoding);

class CsvReader {
  public:
    // Reads from `file`, which stays the caller's. With delimiter 0, the header line decides:
    // the most frequent of comma, semicolon and tab outside quotes (a comma when none is).
    // Text in another `encoding` than UTF-8 (a known_encoding) is read as UTF-8; a byte that
    // is not text in that encoding is an Error(invalid) naming its offset in the file. With no
    // encoding given, a UTF-16 byte order mark or a first block (64 KiB) that is not UTF-8
    // makes it UTF-16 or windows-1252 (guessed_encoding). A UTF-8 file whose first block holds
    // a NUL byte (a binary file, UTF-16 without its mark) is refused at once.
    explicit CsvReader(std::FILE* file, char delimiter = 0, const std::string& encoding = "");
    CsvReader(CsvReader&&) noexcept;
    CsvReader& operator=(CsvReader&&) noexcept;
    ~CsvReader();

    // The next record; false at the end of the file. Blank lines are skipped. Throws
    // Error(invalid) naming the line for a malformed record: text after a closing quote, or a
    // quote still open at the end of the file.
    bool next(std::vector<std::string>& fields);

    char delimiter() const { return delimiter_; }
    // The encoding the file was found to be in when none was given ("UTF-16",
    // "windows-1252"); empty when it is UTF-8 or was given.
    const std::string& guessed_encoding() const { return guessed_; }
    // The record just read: 1 for the header, as a spreadsheet numbers rows.
    std::int64_t record() const { return record_; }
    // The line where the record just read starts.
    std::int64_t line() const { return record_line_; }
    // Bytes of the file consumed so far, for progress.
    std::uint64_t offset() const;

  private:
    struct Decoder;
    bool fill();           // more input into the buffer; false at the end
    std::size_t decode();  // the next text converted into the buffer; 0 at the end
    int peek();            // the next byte or -1, without consuming it
    void detect_delimiter();

    std::FILE* file_;
    std::unique_ptr<Decoder> decoder_;  // none for UTF-8
    std::vector<char> buffer_;
    std::size_t position_ = 0;
    std::size_t size_ = 0;
    std::uint64_t consumed_ = 0;  // bytes of the file before the buffer
    char delimiter_;
    std::string guessed_;
    std::int64_t record_ = 0;
    std::int64_t line_ = 1;
    std::int64_t record_line_ = 0;
};

// Writes fields as RFC 4180 CSV: quoted only when they hold the delimiter, a quote or a line
// break (or leading or trailing spaces, which spreadsheets would otherwise trim).
void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');
std::string csv_field(std::string_view field, char delimiter = ',');

// A cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
// return) made inert by a leading apostrophe, as OWASP recommends; other text is unchanged.
std::string spreadsheet_safe(std::string_view field);
// The inverse, as a spreadsheet reads a leading apostrophe: the text a safe cell stands for.
std::string_view spreadsheet_text(std::string_view field);

}  // namespace funnel
