// iCalendar text: escaping and line folding of anything a name or note may hold.
#include <string>

#include "funnel/domain/text.hpp"
#include "funnel/formats/calendar.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = valid_utf8(fuzz::text(data, size));
    const std::string escaped = ical_text(text);
    // No line break survives escaping: one property stays one logical line.
    if (escaped.find('\n') != std::string::npos || escaped.find('\r') != std::string::npos)
        __builtin_trap();
    const std::string folded = ical_fold("SUMMARY:" + escaped);
    // Every physical line is at most 75 octets, and unfolding gives the line back.
    std::string unfolded;
    std::size_t start = 0;
    while (start < folded.size()) {
        const std::size_t end = folded.find("\r\n", start);
        const std::size_t stop = end == std::string::npos ? folded.size() : end;
        if (stop - start > 75) __builtin_trap();
        std::string_view line(folded.data() + start, stop - start);
        if (start > 0) {
            if (line.empty() || line.front() != ' ') __builtin_trap();
            line.remove_prefix(1);
        }
        unfolded += line;
        start = end == std::string::npos ? folded.size() : end + 2;
    }
    if (unfolded != "SUMMARY:" + escaped) __builtin_trap();
    return 0;
}
