// An RFC 5322 message with a text and an html alternative, ready for `sendmail -t`.
#pragma once

#include <string>
#include <string_view>

namespace funnel {

struct MailMessage {
    std::string from;  // an address list: "Ann <ann@example.com>, bob@example.com"
    std::string to;
    std::string subject;     // any UTF-8; encoded per RFC 2047 when not ASCII
    std::string date;        // RFC 5322 date-time
    std::string message_id;  // without the angle brackets
    std::string text;        // UTF-8
    std::string html;        // UTF-8
};

// Throws Error(invalid) unless `addresses` is a comma-separated list of addresses, each
// local@domain, optionally "Name <local@domain>", with no line breaks (no header injection).
void validate_address_list(std::string_view addresses);

// multipart/alternative with the text and html parts, each in base64 with lines of 76.
// Header fields are folded and non-ASCII words encoded; lines end in CRLF.
std::string mime_message(const MailMessage& message);

// "Mon, 16 Nov 2026 07:00:00 +0100" for the local time of `seconds` since the epoch.
std::string rfc5322_date(long long seconds);

std::string base64(std::string_view bytes);

}  // namespace funnel
