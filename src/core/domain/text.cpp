#include "funnel/domain/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>
#include <utf8proc.h>

#include "funnel/error.hpp"

namespace funnel {

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

namespace {
std::string utf8proc_mapped(std::string_view text, int options) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return (unsigned char)c < 0x80; }))
        return ascii_lower(text);
    utf8proc_uint8_t* mapped = nullptr;
    const auto length = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()), utf8proc_ssize_t(text.size()),
        &mapped, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | options));
    if (length < 0) return std::string(text);
    std::string result(reinterpret_cast<const char*>(mapped), std::size_t(length));
    std::free(mapped);
    return result;
}
}  // namespace

std::string fold_name(std::string_view name) {
    return utf8proc_mapped(name, UTF8PROC_CASEFOLD);
}

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return out;
}

std::string_view trim(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return text;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string lower_word(std::string_view text) {
    return ascii_lower(trim(text));
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    for (std::size_t from = 0;;) {
        const auto at = text.find(separator, from);
        parts.emplace_back(text.substr(from, at == std::string_view::npos ? at : at - from));
        if (at == std::string_view::npos) return parts;
        from = at + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += separator;
        out += parts[i];
    }
    return out;
}

namespace {
std::string join_last_with(const std::vector<std::string>& parts, std::string_view last) {
    if (parts.size() < 2) return join(parts, "");
    std::vector<std::string> head(parts.begin(), parts.end() - 1);
    return join(head, ", ") + std::string(last) + parts.back();
}
}  // namespace

std::string join_with_and(const std::vector<std::string>& parts) {
    return join_last_with(parts, " and ");
}

std::string join_with_or(const std::vector<std::string>& parts) {
    return join_last_with(parts, " or ");
}

namespace {

// Decodes one code point at `pos`; nothing for an invalid sequence (then `length` is 1).
std::optional<char32_t> decode(std::string_view s, std::size_t pos, std::size_t& length) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(pos);
    length = 1;
    if (lead < 0x80) return lead;
    std::size_t extra = 0;
    char32_t cp = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
        extra = 1, cp = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        extra = 2, cp = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        extra = 3, cp = lead & 0x07, minimum = 0x10000;
    } else {
        return std::nullopt;
    }
    if (pos + extra >= s.size()) return std::nullopt;
    for (std::size_t i = 1; i <= extra; ++i) {
        const unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    length = extra + 1;
    return cp;
}

int code_point_width(char32_t cp) {
    if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF) return 0;
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
        (cp >= 0xFE20 && cp <= 0xFE2F))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
    std::size_t width = 0;
    for (std::size_t pos = 0; pos < utf8.size();) {
        std::size_t length = 1;
        auto cp = decode(utf8, pos, length);
        width += cp ? code_point_width(*cp) : 1;
        pos += length;
    }
    return width;
}

std::string truncate_to_width(std::string_view utf8, std::size_t width) {
    if (display_width(utf8) <= width) return std::string(utf8);
    if (width == 0) return {};
    std::string out;
    std::size_t used = 0;
    for (std::size_t pos = 0; pos < utf8.size();) {
        std::size_t length = 1;
        auto cp = decode(utf8, pos, length);
        const std::size_t w = cp ? code_point_width(*cp) : 1;
        if (used + w > width - 1) break;
        out.append(utf8.substr(pos, length));
        used += w;
        pos += length;
    }
    return out + "\u2026";
}

namespace {
bool ascii_only(std::string_view text) {
    for (unsigned char c : text)
        if (c >= 0x80) return false;
    return true;
}
}  // namespace

std::string valid_utf8(std::string_view text) {
    if (ascii_only(text)) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t length = 1;
        if (decode(text, pos, length))
            out.append(text.substr(pos, length));
        else
            out += "\uFFFD";
        pos += length;
    }
    return out;
}

bool is_valid_utf8(std::string_view text) {
    if (ascii_only(text)) return true;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t length = 1;
        if (!decode(text, pos, length)) return false;
        pos += length;
    }
    return true;
}

bool is_hidden_control(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

std::string quoted_list(const std::vector<std::string>& values) {
    std::vector<std::string> quoted;
    for (const auto& value : values)
        quoted.push_back(in_quotes(value));
    return join(quoted, ", ");
}

std::string shell_words(const std::vector<std::string>& words) {
    std::string line;
    for (const auto& word : words) {
        if (!line.empty()) line += ' ';
        const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) ||
                   std::string_view("-_./:=,+@%").find(c) != std::string_view::npos;
        });
        if (plain) {
            line += word;
            continue;
        }
        line += '\'';
        for (const char c : word)
            line += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += '\'';
    }
    return line;
}

std::string in_quotes(std::string_view value) {
    // Messages are one line, of a length a terminal shows: control characters, C1 controls and
    // bidirectional overrides are shown escaped, and a long value is cut.
    constexpr std::size_t shown = 300;
    const std::string text = valid_utf8(value);
    std::string out = "'";
    for (std::size_t pos = 0, length = 1; pos < text.size(); pos += length) {
        if (out.size() > shown) {
            out += "…";
            break;
        }
        const char32_t c = decode(text, pos, length).value_or(0xfffd);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (is_hidden_control(c))
            out += c < 0x100 ? fmt::format("\\x{:02x}", unsigned(c))
                             : fmt::format("\\u{:04x}", unsigned(c));
        else
            out.append(text, pos, length);
    }
    return out + "'";
}

std::string checked_text(std::string_view what, std::string_view value, TextKind kind) {
    const std::size_t max_length = kind == TextKind::multiline ? 100'000 : 500;
    if (!is_valid_utf8(value))
        throw invalid_input(fmt::format("invalid {}: not valid UTF-8 text", what));
    for (std::size_t pos = 0, length = 1; pos < value.size(); pos += length) {
        const char32_t c = decode(value, pos, length).value_or(0xfffd);
        const bool allowed_space =
            kind == TextKind::multiline && (c == '\n' || c == '\t' || c == '\r');
        if (is_hidden_control(c) && !allowed_space)
            throw invalid_input(fmt::format("invalid {} {}: control characters{} are not allowed{}",
                                            what, in_quotes(value),
                                            c >= 0x80 ? " and bidirectional overrides" : "",
                                            kind == TextKind::multiline ? "" : " (one line only)"));
    }
    if (value.size() > max_length)
        throw invalid_input(fmt::format("invalid {}: longer than {} bytes", what, max_length));
    if (kind == TextKind::name) {
        std::string name(trim(value));
        if (name.empty())
            throw invalid_input(fmt::format("invalid {} '': must not be blank", what));
        return name;
    }
    return std::string(trim(value));
}

std::optional<std::string> tag_problem(std::string_view tag) {
    const std::string_view trimmed = trim(tag);
    if (trimmed.empty()) return "a tag must not be blank";
    if (!is_valid_utf8(trimmed)) return "not valid UTF-8 text";
    if (trimmed.front() == '+' || trimmed.front() == '-')
        return "a tag starts with neither + nor - (they add and remove tags)";
    std::size_t characters = 0;
    for (std::size_t pos = 0, length = 1; pos < trimmed.size(); pos += length, ++characters) {
        const char32_t c = decode(trimmed, pos, length).value_or(0xfffd);
        if (is_hidden_control(c) || c == ' ' || c == '\t' || c == 0xa0 ||
            std::u32string_view(U",;\"'()").find(c) != std::u32string_view::npos)
            return "a tag is one word: no spaces, commas, semicolons, quotes or parentheses";
    }
    if (characters > 40) return "longer than 40 characters";
    return std::nullopt;
}

std::string checked_tag(std::string_view what, std::string_view tag) {
    if (const auto problem = tag_problem(tag))
        throw invalid_input(fmt::format("invalid {} {}: {}", what, in_quotes(tag), *problem));
    return fold_name(trim(tag));
}

std::vector<std::string> parse_tags(std::string_view what, std::string_view text) {
    std::vector<std::string> tags;
    std::size_t from = 0;
    while (from < text.size()) {
        const auto end = text.find_first_of(",;", from);
        const auto word = text.substr(from, end == std::string_view::npos ? end : end - from);
        if (!trim(word).empty()) tags.push_back(checked_tag(what, word));
        if (end == std::string_view::npos) break;
        from = end + 1;
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

namespace {

std::u32string code_points(std::string_view text) {
    std::u32string points;
    for (std::size_t pos = 0, length = 1; pos < text.size(); pos += length)
        points.push_back(decode(text, pos, length).value_or(0xFFFD));
    return points;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours, the typing mistakes people make.
std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& candidates,
                                        std::size_t least) {
    // Accents are compared away: a name typed without them is close to the one with them.
    const auto loose = [](std::string_view text) {
        return code_points(utf8proc_mapped(text, UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK));
    };
    const std::u32string wanted = loose(trim(typed));
    const std::size_t allowed = std::max(least, wanted.size() < 4    ? std::size_t(0)
                                                : wanted.size() < 8  ? std::size_t(1)
                                                : wanted.size() < 14 ? std::size_t(2)
                                                                     : std::size_t(3));
    std::optional<std::string> best;
    std::size_t best_distance = allowed + 1;
    bool tie = false;
    for (const auto& candidate : candidates) {
        const std::u32string name = loose(candidate);
        // Lengths further apart than the allowance cannot be within it.
        if (std::max(name.size(), wanted.size()) - std::min(name.size(), wanted.size()) > allowed)
            continue;
        const std::size_t distance = edit_distance(wanted, name);
        if (distance < best_distance) {
            best = candidate, best_distance = distance, tie = false;
        } else if (distance == best_distance && best && fold_name(*best) != fold_name(candidate)) {
            tie = true;
        }
    }
    if (tie) return std::nullopt;
    return best;
}

std::string escaped(std::string_view text, std::initializer_list<Escape> table, EscapeOther other) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto* entry = std::find_if(table.begin(), table.end(),
                                         [c](const Escape& escape) { return escape.from == c; });
        if (entry != table.end())
            out += entry->to;
        else if (other)
            other(out, static_cast<unsigned char>(c));
        else
            out += c;
    }
    return out;
}

std::size_t utf8_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

// A switch rather than escaped(): JSON exports write millions of fields.
std::string json_string(std::string_view raw) {
    const std::string text = valid_utf8(raw);
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                    out += fmt::format("\\u{:04x}", c);
                else
                    out += char(c);
        }
    }
    out += '"';
    return out;
}

}  // namespace funnel
