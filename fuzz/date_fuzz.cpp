// Dates, times and periods as options and imported cells give them.
#include <chrono>
#include <string>

#include "funnel/domain/date.hpp"
#include "funnel/domain/period.hpp"
#include "funnel/formats/import.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    const Date today = std::chrono::year{2026} / std::chrono::November / 16;
    fuzz::refusing([&] {
        const Date date = parse_date(input, today);
        // What parses prints back as a date that parses to itself.
        if (parse_date(format_date(date), today) != date) __builtin_trap();
    });
    fuzz::refusing([&] { parse_period_argument(input, today); });
    fuzz::refusing([&] { parse_time_of_day(input); });
    fuzz::refusing([&] { is_timestamp(input); });
    for (const char* format : {"", "%m/%d/%Y", "%d.%m.%y", "%d-%b-%Y"})
        fuzz::refusing([&] { parse_timestamp_in_format(input, format); });
    // The first bytes as a format, the rest as a date in it.
    if (size > 2) {
        const std::size_t split = data[0] % size;
        fuzz::refusing([&] {
            const std::string_view format = input.substr(1, split);
            validate_date_format(format);
            parse_date_in_format(input.substr(1 + split), format);
        });
    }
    return 0;
}
