#include "funnel/formats/mail.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"

using namespace funnel;

TEST_CASE("base64 per RFC 4648") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64("\xff\xfe") == "//4=");
}

TEST_CASE("addresses are checked and cannot inject headers") {
    CHECK_NOTHROW(validate_address_list("boss@example.com"));
    CHECK_NOTHROW(validate_address_list("Ann Lee <ann@example.com>, bob@example.org"));
    for (const char* bad : {"", "nobody", "a@b@c", "boss@example.com\r\nBcc: x@evil.example",
                            "boss@example.com\nX: y", "Ann <ann@example.com", "a b@example.com"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(validate_address_list(bad), Error);
    }
}

TEST_CASE("a message with a text and an html alternative") {
    MailMessage message{"funnel <funnel@example.com>",
                        "boss@example.com",
                        "Prévision — novembre",
                        "Mon, 16 Nov 2026 07:00:00 +0000",
                        "1.2.funnel@example.com",
                        "Text ✓\n",
                        "<p>HTML</p>\n"};
    const std::string mime = mime_message(message);
    CHECK(mime.starts_with("From: funnel <funnel@example.com>\r\nTo: boss@example.com\r\n"));
    CHECK(mime.find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(mime.find("MIME-Version: 1.0\r\n") != std::string::npos);
    CHECK(mime.find("Content-Type: multipart/alternative; boundary=\"=_funnel_") !=
          std::string::npos);
    CHECK(mime.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
    CHECK(mime.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
    CHECK(mime.find(base64("<p>HTML</p>\n")) != std::string::npos);
    CHECK(mime.find("\n") == mime.find("\r\n") + 1);  // CRLF line ends
    for (std::size_t start = 0, end; (end = mime.find("\r\n", start)) != std::string::npos;
         start = end + 2)
        CHECK(end - start <= 78);
    message.subject = "two\nlines";
    CHECK_THROWS_AS(mime_message(message), Error);
}

TEST_CASE("dates in the RFC 5322 form") {
    const std::string date = rfc5322_date(0);
    CHECK(date.size() == 31);
    CHECK(date.find(" 1970 ") != std::string::npos);
}
