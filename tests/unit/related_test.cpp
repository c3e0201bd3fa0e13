#include "funnel/domain/related.hpp"

#include <doctest/doctest.h>

#include "funnel/error.hpp"
#include "funnel/formats/calendar.hpp"
#include "funnel/system/digest.hpp"

using namespace funnel;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned day) {
    return Date{year{y}, month{m}, std::chrono::day{day}};
}
}  // namespace

TEST_CASE("line totals are exact in minor units") {
    CHECK(line_total(3000, 3333, 0, 2) == 9999);           // 3 x 33.33
    CHECK(line_total(2000, 120'000, 1250, 2) == 210'000);  // 2 x 1,200.00 less 12.5 %
    CHECK(line_total(7000, 1, 5000, 2) == 4);              // 0.035 rounds half up
    CHECK(line_total(1500, 10'000, 0, 2) == 15'000);       // 1.5 x 100.00
    CHECK(line_total(1000, 999, 10'000, 2) == 0);          // free
    CHECK(line_total(1, 1, 0, 2) == 0);                    // 0.001 x 0.01
    // A billion units at the largest price would not fit in 64 bits: refused, never wrapped.
    CHECK_THROWS_AS(line_total(1'000'000'000'000, max_amount_minor(2), 0, 2), Error);
    CHECK(line_total(1000, max_amount_minor(2), 0, 2) == max_amount_minor(2));
}

TEST_CASE("quantities and discounts") {
    CHECK(parse_quantity("3") == 3000);
    CHECK(parse_quantity("2.5") == 2500);
    CHECK(parse_quantity("0.125") == 125);
    CHECK_THROWS_AS(parse_quantity("0"), Error);
    CHECK_THROWS_AS(parse_quantity("1.2345"), Error);
    CHECK_THROWS_AS(parse_quantity("-1"), Error);
    CHECK(format_quantity(2500) == "2.5");
    CHECK(parse_discount("10") == 1000);
    CHECK(parse_discount("12.5%") == 1250);
    CHECK(parse_discount("100") == 10'000);
    CHECK_THROWS_AS(parse_discount("100.01"), Error);
    CHECK_THROWS_AS(parse_discount("1.005"), Error);
}

TEST_CASE("due dates with an optional time") {
    const Date today = d(2026, 11, 16);
    auto due = parse_due("2026-11-20 14:30", today);
    CHECK(due.date == d(2026, 11, 20));
    CHECK(due.minute == 14 * 60 + 30);
    due = parse_due("fri 09:05", today);
    CHECK(due.date == d(2026, 11, 20));
    CHECK(due.minute == 9 * 60 + 5);
    due = parse_due("2026-11-20T08:00", today);
    CHECK(due.minute == 8 * 60);
    CHECK_FALSE(parse_due("tomorrow", today).minute);
    CHECK_THROWS_AS(parse_due("2026-11-20 24:00", today), Error);
    CHECK_THROWS_AS(parse_due("2026-11-20 12:60", today), Error);
    CHECK(format_minute(9 * 60 + 5) == "09:05");
}

TEST_CASE("durations") {
    CHECK(parse_duration("30m") == 30);
    CHECK(parse_duration("1h") == 60);
    CHECK(parse_duration("1h30m") == 90);
    CHECK(parse_duration("90") == 90);
    CHECK_THROWS_AS(parse_duration("1h30"), Error);
    CHECK_THROWS_AS(parse_duration("0"), Error);
    CHECK_THROWS_AS(parse_duration("8d"), Error);
    CHECK_THROWS_AS(parse_duration(""), Error);
}

TEST_CASE("words of related records") {
    CHECK(parse_contact_role("Decision_Maker") == "decision-maker");
    CHECK_THROWS_AS(parse_contact_role("boss"), Error);
    CHECK(parse_quote_status("ACCEPTED") == QuoteStatus::accepted);
    CHECK(to_string(QuoteStatus::expired) == "expired");
    CHECK(parse_activity_type("Meeting") == ActivityType::meeting);
    CHECK(parse_product_kind("service") == ProductKind::service);
    CHECK(looks_like_url("https://example.com/a.pdf"));
    CHECK(looks_like_url("file:///tmp/x"));
    CHECK_FALSE(looks_like_url("/tmp/a.pdf"));
    CHECK_FALSE(looks_like_url("notes://"));
    CHECK_FALSE(looks_like_url("a b://x"));
}

TEST_CASE("iCalendar text is escaped and lines folded at 75 octets") {
    CHECK(ical_text("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne");
    CHECK(ical_fold("SHORT") == "SHORT\r\n");
    const std::string long_line = "SUMMARY:" + std::string(100, 'x');
    const std::string folded = ical_fold(long_line);
    CHECK(folded.find("\r\n ") == 75);
    // Never inside a UTF-8 sequence: é is two octets.
    std::string accents = "SUMMARY:";
    for (int i = 0; i < 50; ++i)
        accents += "é";
    const std::string folded_accents = ical_fold(accents);
    for (std::size_t start = 0, end;
         (end = folded_accents.find("\r\n", start)) != std::string::npos; start = end + 2)
        CHECK(end - start <= 75);
    std::string unfolded;
    for (std::size_t i = 0; i < folded_accents.size(); ++i) {
        if (folded_accents.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        unfolded += folded_accents[i];
    }
    CHECK(unfolded == accents + "\r\n");
}

TEST_CASE("SHA-256 of known text") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
