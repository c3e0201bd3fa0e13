// Option values: names, stages, roles, statuses, durations, due moments, words of every kind.
#include <chrono>
#include <string>

#include "funnel/domain/opportunity.hpp"
#include "funnel/domain/period.hpp"
#include "funnel/domain/related.hpp"
#include "funnel/domain/stage.hpp"
#include "funnel/domain/text.hpp"
#include "funnel/formats/render.hpp"
#include "funnel/reports/forecast.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    const Date today = std::chrono::year{2026} / std::chrono::November / 16;
    for (auto kind : {TextKind::name, TextKind::line, TextKind::multiline})
        fuzz::refusing([&] {
            const std::string checked = checked_text("NAME", input, kind);
            // What a name may hold never hides text on a terminal.
            if (in_quotes(checked).size() > 400) __builtin_trap();
        });
    const std::string key = fold_name(input);
    if (fold_name(key) != key) __builtin_trap();  // folding twice changes nothing
    closest_name(input, {"ScriptCo", "Société Générale", "Globex"});
    display_width(input);
    truncate_to_width(input, 20);
    const auto stages = default_stages();
    fuzz::refusing([&] { resolve_stage(stages, input); });
    fuzz::refusing([&] { normalize_stage_name(input); });
    fuzz::refusing([&] { parse_contact_role(input); });
    fuzz::refusing([&] { parse_quote_status(input); });
    fuzz::refusing([&] { parse_activity_type(input); });
    fuzz::refusing([&] { parse_due(input, today); });
    fuzz::refusing([&] { parse_granularity(input); });
    fuzz::refusing([&] { parse_forecast_group(input); });
    fuzz::refusing([&] { parse_format(input); });
    fuzz::refusing([&] { parse_deal_type(input); });
    fuzz::refusing([&] { parse_opp_sort(input); });
    fuzz::refusing([&] { Currency::parse(input); });
    return 0;
}
