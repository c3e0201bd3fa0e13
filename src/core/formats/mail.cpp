#include "funnel/formats/mail.hpp"

#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "funnel/domain/text.hpp"
#include "funnel/error.hpp"

namespace funnel {

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                           (unsigned char)bytes[i + 2];
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = (unsigned char)bytes[i] << 16;
        if (i + 1 < bytes.size()) v |= (unsigned char)bytes[i + 1] << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += i + 1 < bytes.size() ? alphabet[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

void validate_address_list(std::string_view addresses) {
    if (addresses.find_first_of("\r\n") != std::string_view::npos || trim(addresses).empty())
        throw invalid_input("expected an address like name@example.com, on one line");
    std::size_t start = 0;
    while (start <= addresses.size()) {
        const auto comma = addresses.find(',', start);
        std::string_view one = trim(addresses.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (const auto open = one.find('<'); open != std::string_view::npos) {
            if (one.back() != '>') throw invalid_input("expected Name <name@example.com>");
            one = one.substr(open + 1, one.size() - open - 2);
        }
        const auto at = one.find('@');
        const bool ok = at != std::string_view::npos && at > 0 && at + 1 < one.size() &&
                        one.find('@', at + 1) == std::string_view::npos &&
                        one.find_first_of(" \t<>\"(),;:\\[]") == std::string_view::npos;
        if (!ok) throw invalid_input("expected an address like name@example.com");
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
}

namespace {

bool is_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c >= 0x80 || (c < 0x20 && c != '\t')) return false;
    return true;
}

// An unstructured header value: as is when ASCII, else RFC 2047 encoded words of UTF-8 in
// base64, each within the 75-character limit and cut between whole characters.
std::string header_text(std::string_view value) {
    const std::string text = valid_utf8(value);
    if (is_ascii(text)) return text;
    std::string out;
    std::string chunk;
    const auto flush = [&] {
        if (chunk.empty()) return;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(chunk) + "?=";
        chunk.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_length(text[i]);
        if (chunk.size() + length > 45) flush();  // 45 bytes: 60 in base64
        chunk.append(text, i, length);
        i += length;
    }
    flush();
    return out;
}

std::string base64_lines(std::string_view bytes) {
    const std::string encoded = base64(bytes);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); i += 76)
        out += encoded.substr(i, 76) + "\r\n";
    return out;
}

// The boundary cannot occur in base64 text: '=' and '_' are not in its alphabet (a trailing
// '=' never follows "--").
std::string boundary_for(const MailMessage& message) {
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : message.message_id + message.date)
        hash = (hash ^ c) * 1099511628211ULL;
    return fmt::format("=_funnel_{:016x}", hash);
}

}  // namespace

std::string mime_message(const MailMessage& message) {
    validate_address_list(message.from);
    validate_address_list(message.to);
    if (message.subject.find_first_of("\r\n") != std::string::npos)
        throw invalid_input("a subject is one line");
    const std::string boundary = boundary_for(message);
    std::string out;
    out += "From: " + message.from + "\r\n";
    out += "To: " + message.to + "\r\n";
    out += "Subject: " + header_text(message.subject) + "\r\n";
    out += "Date: " + message.date + "\r\n";
    out += "Message-ID: <" + message.message_id + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    out += "\r\nThis is a message in MIME format: a text and an html version.\r\n";
    for (const auto& [type, body] :
         {std::pair{"text/plain", &message.text}, std::pair{"text/html", &message.html}}) {
        out += "\r\n--" + boundary + "\r\n";
        out += std::string("Content-Type: ") + type + "; charset=utf-8\r\n";
        out += "Content-Transfer-Encoding: base64\r\n\r\n";
        out += base64_lines(valid_utf8(*body));
    }
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

std::string rfc5322_date(long long seconds) {
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    localtime_r(&time, &tm);
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const long offset = tm.tm_gmtoff / 60;
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} {}{:02}{:02}", days[tm.tm_wday],
                       tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                       tm.tm_sec, offset < 0 ? '-' : '+', std::labs(offset) / 60,
                       std::labs(offset) % 60);
}

}  // namespace funnel
