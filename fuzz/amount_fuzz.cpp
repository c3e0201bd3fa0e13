// Amounts, quantities, discounts and probabilities as options and imported cells give them.
#include <string>

#include "funnel/domain/money.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/formats/import.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    for (int digits : {0, 2, 3, 4}) {
        fuzz::refusing([&] {
            const std::int64_t minor = parse_amount(input, digits);
            if (minor < 0 || minor > max_amount_minor(digits)) __builtin_trap();
            // What parses prints back as the same amount.
            if (parse_amount(format_units(minor, digits, Grouping::none), digits) != minor)
                __builtin_trap();
            weighted_minor(minor, 100);
        });
        fuzz::refusing([&] {
            const std::int64_t minor = parse_amount_cell(input, digits);
            if (minor < 0 || minor > max_amount_minor(digits)) __builtin_trap();
        });
        fuzz::refusing([&] {
            bool rounded = false;  // more decimals than the currency: rounded half to even
            const std::int64_t minor = parse_amount_cell(input, digits, &rounded);
            if (minor < 0 || minor > max_amount_minor(digits)) __builtin_trap();
        });
    }
    fuzz::refusing([&] {
        const std::int64_t quantity = parse_quantity(input);
        line_total(quantity, max_amount_minor(2), parse_discount("12.5"), 2);
    });
    fuzz::refusing([&] { parse_discount(input); });
    fuzz::refusing([&] { parse_probability_cell(input); });
    fuzz::refusing([&] { parse_duration(input); });
    return 0;
}
