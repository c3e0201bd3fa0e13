#include "funnel/domain/text.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;

TEST_CASE("case and trimming helpers") {
    CHECK(ascii_lower("AbC-É") == "abc-É");
    CHECK(ascii_upper("eur") == "EUR");
    CHECK(trim("  a b \t\n") == "a b");
    CHECK(trim("   ").empty());
    CHECK(iequals("Quote", "quOTE"));
    CHECK_FALSE(iequals("Quote", "Quotes"));
    CHECK(istarts_with("closed-won", "CLOSED"));
    CHECK_FALSE(istarts_with("won", "wonder"));
    CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
    CHECK(join({}, ", ").empty());
}

TEST_CASE("display width counts columns not bytes") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("ACME — 50") == 9);
    CHECK(display_width("Café") == 4);
    CHECK(display_width("Cafe\u0301") == 4);  // combining accent takes no column
    CHECK(display_width("日本") == 4);
    CHECK(display_width("") == 0);
}

TEST_CASE("truncation keeps whole characters") {
    CHECK(truncate_to_width("abcdef", 10) == "abcdef");
    CHECK(truncate_to_width("abcdef", 4) == "abc…");
    CHECK(truncate_to_width("日本語テキスト", 5) == "日本…");
    CHECK(display_width(truncate_to_width("Ünïcödé names", 6)) <= 6);
}

TEST_CASE("invalid UTF-8 is replaced not passed on") {
    CHECK(is_valid_utf8("plain"));
    CHECK(is_valid_utf8("Zoë 日本"));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xc3"));          // cut short
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
    CHECK(valid_utf8("a\xffz") == "a\uFFFDz");
    CHECK(valid_utf8("\xe6\x97") == "\uFFFD\uFFFD");
    CHECK(is_valid_utf8(valid_utf8("\xf0\x28\x8c\x28")));
}

TEST_CASE("values in messages are quoted on one line") {
    CHECK(in_quotes("x y") == "'x y'");
    CHECK(in_quotes("a\nb\tc\x01") == "'a\\nb\\tc\\x01'");
    CHECK(in_quotes("\xff") == "'\uFFFD'");
}

TEST_CASE("names fold by Unicode case and normalization") {
    CHECK(fold_name("ACME Corp") == "acme corp");
    CHECK(fold_name("SOCIÉTÉ GÉNÉRALE") == fold_name("Société Générale"));
    // "e" and a combining acute accent is the same name as "é".
    CHECK(fold_name("Soci\x65\xcc\x81t\xc3\xa9") == fold_name("Société"));
    CHECK(fold_name("STRASSE") == fold_name("straße"));
    CHECK(fold_name("ΣΊΣΥΦΟΣ") == fold_name("σίσυφος"));
    CHECK(fold_name("Zoë") != fold_name("Zoe"));
    // Invalid UTF-8 is compared as it is.
    CHECK(fold_name("\xff\xfe") == "\xff\xfe");
}

TEST_CASE("a misspelt name suggests the closest one") {
    const std::vector<std::string> names{"ScriptCo", "Globex", "Initech", "Société Générale"};
    CHECK(closest_name("ScrptCo", names) == "ScriptCo");
    CHECK(closest_name("scirptco", names) == "ScriptCo");
    CHECK(closest_name("Globx", names) == "Globex");
    CHECK(closest_name("SOCIETE GENERALE", names) == "Société Générale");
    CHECK_FALSE(closest_name("Umbrella", names));
    CHECK_FALSE(closest_name("Abc", {"Abd"}));  // too short to guess
    // Two equally close names: no guess.
    CHECK_FALSE(closest_name("Acme 2", {"Acme 1", "Acme 3"}));
    CHECK_FALSE(closest_name("Acme", {}));
}

TEST_CASE("names refuse C1 controls and bidirectional overrides") {
    CHECK_THROWS_AS(checked_text("--org", "Evil\u202Egnp.exe", TextKind::name), Error);
    CHECK_THROWS_AS(checked_text("--org", "Evil\u2066x\u2069", TextKind::name), Error);
    CHECK_THROWS_AS(checked_text("--org",
                                 "CSI \xc2\x9b"
                                 "2J",
                                 TextKind::name),
                    Error);
    CHECK_THROWS_AS(checked_text("--notes", "a\u202Eb", TextKind::multiline), Error);
    // Right-to-left text and its marks are text.
    CHECK(checked_text("--org", "שלום\u200F", TextKind::name) == "שלום\u200F");
    CHECK(checked_text("--notes", "two\nlines", TextKind::multiline) == "two\nlines");
}

TEST_CASE("quoted values in messages are bounded and show hidden controls") {
    CHECK(in_quotes("a\u202Eb") == "'a\\u202eb'");
    CHECK(in_quotes("\x1b[2J") == "'\\x1b[2J'");
    CHECK(in_quotes("\xc2\x9b") == "'\\x9b'");
    const std::string quoted = in_quotes(std::string(10'000'000, 'x'));
    CHECK(quoted.size() < 320);
    CHECK(quoted.ends_with("…'"));
    // Cut between characters, never inside one.
    CHECK(is_valid_utf8(in_quotes(std::string(1000, '\xc3') + "")));
    std::string accents;
    for (int i = 0; i < 400; ++i)
        accents += "é";
    CHECK(is_valid_utf8(in_quotes(accents)));
}

TEST_CASE("an escape table replaces what it lists and nothing else") {
    CHECK(escaped("a<b>&c", {{'<', "&lt;"}, {'>', "&gt;"}, {'&', "&amp;"}}) == "a&lt;b&gt;&amp;c");
    CHECK(escaped("", {{'<', "&lt;"}}) == "");
    CHECK(escaped("x\ty", {{'\t', ""}}) == "xy");
    // `other` decides for every character the table does not list.
    const auto drop_digits = [](std::string& out, unsigned char c) {
        if (c < '0' || c > '9') out += char(c);
    };
    CHECK(escaped("a1;b2", {{';', "\\;"}}, drop_digits) == "a\\;b");
}

TEST_CASE("UTF-8 sequence lengths come from the lead byte") {
    CHECK(utf8_length('a') == 1);
    CHECK(utf8_length(0xC3) == 2);  // é
    CHECK(utf8_length(0xE2) == 3);  // €
    CHECK(utf8_length(0xF0) == 4);  // emoji
    CHECK(utf8_length(0x80) == 1);  // a continuation byte alone counts as one
}
