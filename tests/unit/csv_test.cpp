#include "funnel/formats/csv.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "funnel/error.hpp"

using namespace funnel;
using Records = std::vector<std::vector<std::string>>;

namespace {

// Every record of a text read as a file; the delimiter is detected unless given.
Records read_all(const std::string& text, char delimiter = 0, char* detected = nullptr,
                 const std::string& encoding = "") {
    std::string copy = text;
    std::FILE* file = ::fmemopen(copy.data(), copy.size(), "rb");
    REQUIRE(file);
    Records records;
    try {
        CsvReader reader(file, delimiter, encoding);
        std::vector<std::string> fields;
        while (reader.next(fields))
            records.push_back(fields);
        if (detected) *detected = reader.delimiter();
    } catch (...) {
        std::fclose(file);
        throw;
    }
    std::fclose(file);
    return records;
}

std::string error_of(const std::string& text, const std::string& encoding = "") {
    try {
        read_all(text, 0, nullptr, encoding);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("csv: plain fields and both line ends") {
    CHECK(read_all("a,b,c\n1,2,3\n") == Records{{"a", "b", "c"}, {"1", "2", "3"}});
    CHECK(read_all("a,b\r\n1,2\r\n") == Records{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\r1,2\r") == Records{{"a", "b"}, {"1", "2"}});
    // No line end after the last record.
    CHECK(read_all("a,b\n1,2") == Records{{"a", "b"}, {"1", "2"}});
}

TEST_CASE("csv: empty fields are kept and blank lines skipped") {
    CHECK(read_all("a,b,c\n,,\n\n1,,3\n\r\n") ==
          Records{{"a", "b", "c"}, {"", "", ""}, {"1", "", "3"}});
    CHECK(read_all("").empty());
    CHECK(read_all("\n\n").empty());
    CHECK(read_all("x\n") == Records{{"x"}});
}

TEST_CASE("csv: quoted fields hold delimiters quotes and line breaks") {
    const auto records =
        read_all("name,notes\n\"ACME, Inc.\",\"said \"\"yes\"\"\"\n\"two\r\nlines\",\"\"\n");
    REQUIRE(records.size() == 3);
    CHECK(records[1] == std::vector<std::string>{"ACME, Inc.", "said \"yes\""});
    CHECK(records[2] == std::vector<std::string>{"two\r\nlines", ""});
}

TEST_CASE("csv: a quote inside an unquoted field is text") {
    CHECK(read_all("a\n5\" screen\n") == Records{{"a"}, {"5\" screen"}});
}

TEST_CASE("csv: a byte order mark is not part of the first header") {
    CHECK(read_all("\xEF\xBB\xBFId,Name\n1,x\n") == Records{{"Id", "Name"}, {"1", "x"}});
}

TEST_CASE("csv: the header line decides the delimiter") {
    char detected = 0;
    CHECK(read_all("a;b;c\n1,5;2;3\n", 0, &detected) ==
          Records{{"a", "b", "c"}, {"1,5", "2", "3"}});
    CHECK(detected == ';');
    CHECK(read_all("a\tb\n1\t2\n", 0, &detected) == Records{{"a", "b"}, {"1", "2"}});
    CHECK(detected == '\t');
    // Commas inside quotes do not count.
    CHECK(read_all("\"a,b,c\";d\n1;2\n", 0, &detected) == Records{{"a,b,c", "d"}, {"1", "2"}});
    CHECK(detected == ';');
    read_all("single\nvalue\n", 0, &detected);
    CHECK(detected == ',');
    // A delimiter that is given is used.
    CHECK(read_all("a;b,c\n", ',') == Records{{"a;b", "c"}});
}

TEST_CASE("csv: records and lines are numbered as a spreadsheet and an editor do") {
    std::string text = "h\n\"a\nb\"\n\nc\n";
    std::FILE* file = ::fmemopen(text.data(), text.size(), "rb");
    CsvReader reader(file);
    std::vector<std::string> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.record() == 1);
    CHECK(reader.line() == 1);
    REQUIRE(reader.next(fields));
    CHECK(reader.record() == 2);
    CHECK(reader.line() == 2);
    REQUIRE(reader.next(fields));
    CHECK(fields == std::vector<std::string>{"c"});
    CHECK(reader.record() == 3);
    CHECK(reader.line() == 5);
    CHECK_FALSE(reader.next(fields));
    std::fclose(file);
}

TEST_CASE("csv: malformed quoting is an error naming the line") {
    CHECK(error_of("a\n\"open\nfield\n") ==
          "line 2: a quoted field that starts there is never closed (a closing quote is "
          "missing)");
    CHECK(error_of("a,b\n\"x\"y,2\n").starts_with("line 2: text after the closing quote"));
}

TEST_CASE("csv: records longer than the read buffer") {
    const std::string long_field(200'000, 'x');
    const std::string quoted(150'000, ',');
    const auto records = read_all("a,b\n" + long_field + ",\"" + quoted + "\"\n");
    REQUIRE(records.size() == 2);
    CHECK(records[1][0] == long_field);
    CHECK(records[1][1] == quoted);
}

// UTF-8 text as UTF-16LE bytes with a byte order mark (ASCII and one emoji only).
std::string utf16le(const std::string& ascii, std::size_t emoji_at = std::string::npos) {
    std::string out = "\xFF\xFE";
    for (std::size_t i = 0; i < ascii.size(); ++i) {
        if (i == emoji_at) out += std::string("\x3D\xD8\x00\xDE", 4);  // U+1F600
        out += ascii[i];
        out += '\0';
    }
    return out;
}

TEST_CASE("csv: text in other encodings is read as UTF-8") {
    CHECK(known_encoding(""));
    CHECK(known_encoding("UTF-8"));
    CHECK(known_encoding("windows-1252"));
    CHECK(known_encoding("latin1"));
    CHECK(known_encoding("UTF-16"));
    CHECK_FALSE(known_encoding("klingon"));

    const auto records = read_all("name;note\nCaf\xE9;\x80 5 \x93q\x94\n", 0, nullptr, "cp1252");
    REQUIRE(records.size() == 2);
    CHECK(records[1][0] == "Caf\xC3\xA9");
    CHECK(records[1][1] == "\xE2\x82\xAC 5 \xE2\x80\x9Cq\xE2\x80\x9D");

    // UTF-16 with its byte order mark; the delimiter is detected on the decoded header.
    const auto wide = read_all(utf16le("a\tb\r\nx\ty\r\n", 5), 0, nullptr, "UTF-16");
    REQUIRE(wide.size() == 2);
    CHECK(wide[0] == std::vector<std::string>{"a", "b"});
    CHECK(wide[1] == std::vector<std::string>{"\xF0\x9F\x98\x80x", "y"});
}

TEST_CASE("csv: a character split across reads is decoded whole") {
    // The decoder reads 16 KiB at a time: a 4-byte character across the first boundary
    // (8190), at it, after it, and near the second.
    for (std::size_t at : {8190u, 8191u, 8192u, 16383u}) {
        CAPTURE(at);
        std::string ascii = "h\n" + std::string(20'000, 'x') + "\n";
        const auto records = read_all(utf16le(ascii, at), 0, nullptr, "UTF-16");
        REQUIRE(records.size() == 2);
        std::string expected(20'000, 'x');
        expected.insert(at - 2, "\xF0\x9F\x98\x80");
        CHECK(records[1][0] == expected);
    }
}

TEST_CASE("csv: bytes that are not text in the encoding are errors") {
    CHECK(error_of("a,b\nA\x81"
                   "B,c\n",
                   "windows-1252") == "byte 6 is not windows-1252 text (check --encoding)");
    CHECK(error_of(utf16le("a,b\n").substr(0, 7), "UTF-16") ==
          "the file ends inside a character: it is not UTF-16 text (check --encoding)");
    CHECK_THROWS_AS(read_all("a\n", 0, nullptr, "klingon"), Error);
}

TEST_CASE("csv: written fields are quoted only when they must be") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field(" padded") == "\" padded\"");
    CHECK(csv_field("a;b", ';') == "\"a;b\"");
    // What is written reads back the same.
    const std::string tricky = " \"quoted\", and\r\nbroken ";
    CHECK(read_all("x\n" + csv_field(tricky) + "\n") == Records{{"x"}, {tricky}});
}

TEST_CASE("csv: formulas are made inert for spreadsheets") {
    CHECK(spreadsheet_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")");
    CHECK(spreadsheet_safe("+1") == "'+1");
    CHECK(spreadsheet_safe("-2") == "'-2");
    CHECK(spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)");
    CHECK(spreadsheet_safe("\tx") == "'\tx");
    CHECK(spreadsheet_safe("ACME") == "ACME");
    CHECK(spreadsheet_safe("") == "");
}

TEST_CASE("text made safe for spreadsheets reads back as itself") {
    for (const char* text : {"=SUM(A1)", "+cmd", "-2", "@ann", "'+1", "''=x", "'plain", "plain", "",
                             "'", "''", "\tx"}) {
        CAPTURE(text);
        CHECK(spreadsheet_text(spreadsheet_safe(text)) == text);
    }
    CHECK(spreadsheet_safe("'+1") == "''+1");
    CHECK(spreadsheet_safe("'plain") == "'plain");
}
