// Small string helpers shared by parsing and rendering.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace funnel {

std::string ascii_lower(std::string_view text);
// A name as names are compared everywhere: Unicode case folding and NFC normalization, so that
// "SOCIÉTÉ GÉNÉRALE", "société générale" and a decomposed "Société" match. Invalid UTF-8 is
// compared as it is.
std::string fold_name(std::string_view name);
std::string ascii_upper(std::string_view text);
std::string_view trim(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
// Trimmed and in ASCII lower case: a word as a file or an option may write it.
std::string lower_word(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// The parts of `text` between each `separator`: join's inverse (one empty part for "").
std::vector<std::string> split(std::string_view text, char separator);
// "a", "a and b", "a, b and c".
std::string join_with_and(const std::vector<std::string>& parts);
// "a", "a or b", "a, b or c".
std::string join_with_or(const std::vector<std::string>& parts);

// Columns a string takes in a terminal: one per code point, two for wide East Asian ones,
// none for combining marks and zero-width characters.
std::size_t display_width(std::string_view utf8);
// Cuts to at most `width` columns, ending with "…" when something was cut.
std::string truncate_to_width(std::string_view utf8, std::size_t width);

// The text with each invalid UTF-8 sequence replaced by U+FFFD, so output is always valid.
std::string valid_utf8(std::string_view text);
bool is_valid_utf8(std::string_view text);
// A JSON string, with its quotes: the text as valid UTF-8, controls escaped.
std::string json_string(std::string_view text);

// One format's escaping as a table: what each listed character becomes. `other`, when given,
// writes every character the table does not list (to drop or encode control characters);
// without it they are copied.
struct Escape {
    char from;
    std::string_view to;
};
using EscapeOther = void (*)(std::string& out, unsigned char c);
std::string escaped(std::string_view text, std::initializer_list<Escape> table,
                    EscapeOther other = nullptr);

// The length of the UTF-8 sequence that starts with `lead`: 1 to 4.
std::size_t utf8_length(unsigned char lead);

// Text typed for a field: valid UTF-8, no hidden controls (is_hidden_control; line breaks and
// tabs only in multiline text), at most 500 bytes (100,000 for multiline text); names must not be
// blank. Returns it trimmed, or throws Error(invalid) naming `what` (an option or a field).
enum class TextKind { name, line, multiline };
std::string checked_text(std::string_view what, std::string_view value, TextKind kind);

// A tag as it is kept: case-folded (fold_name), 1 to 40 characters, none of them a space, a
// control, a comma, a semicolon, a quote or a parenthesis, and not starting with + or - (which
// add and remove tags). Throws Error(invalid) naming `what` ("--tag").
std::string checked_tag(std::string_view what, std::string_view tag);
// Why `tag` is not one, or nothing when it is.
std::optional<std::string> tag_problem(std::string_view tag);
// The tags of one cell or option value, separated by semicolons or commas: each
// checked_tag, sorted, each once.
std::vector<std::string> parse_tags(std::string_view what, std::string_view text);

// The one of `candidates` that `typed` most likely misspells, compared folded (fold_name): within
// an edit distance of 1 for short names, up to 3 for long ones (at least `least`: 1 for command
// words, where "lst" means list); nothing when none is that close or two are equally close.
std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& candidates,
                                        std::size_t least = 0);

// Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates
// (U+202A-U+202E, U+2066-U+2069): what would make text on a terminal show other than it is.
bool is_hidden_control(char32_t c);

// A value shown to the user in a message, quoted, on one line, at most about 300 bytes of it
// (then "…"), its hidden controls escaped: 'value'.
std::string in_quotes(std::string_view value);
// Each value in_quotes, joined with ", ".
std::string quoted_list(const std::vector<std::string>& values);

// Words as a POSIX shell reads them back: each left as it is when it holds only letters, digits
// and -_./:=,+@%, else in single quotes ('it'\''s'), joined with spaces.
std::string shell_words(const std::vector<std::string>& words);

}  // namespace funnel
