// The --where filter language: whatever is typed is parsed or refused with funnel's Error, and
// what parses compiles to SQL that holds none of the typed text (every value bound) and runs.
#include <string>
#include <vector>

#include "funnel/domain/filter.hpp"
#include "funnel/store/store.hpp"
#include "fuzz_input.hpp"
#include "store/filter_sql.hpp"

using namespace funnel;
using namespace std::chrono;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Store store = Store::scratch("fuzz.db");
    static const std::vector<Stage> stages = store.stages().all();
    const std::string_view input = fuzz::text(data, size);
    fuzz::refusing([&] {
        const Filter filter = parse_filter(input, year{2026} / November / 16);
        std::vector<std::string> values;
        const std::string sql = filter_sql(filter, stages, values);
        // Only the compiler's own words: no quote but its empty text '', so no typed text.
        std::string words = sql;
        for (auto at = words.find("''"); at != std::string::npos; at = words.find("''"))
            words.erase(at, 2);
        if (words.find_first_of("'\"") != std::string::npos) __builtin_trap();
        std::size_t parameters = 0;
        for (const char c : sql)
            parameters += c == '?';
        if (parameters != values.size()) __builtin_trap();
        OppQuery query;
        query.filter.states = StateFilter::all;
        query.filter.where = filter;
        store.deals().for_each(query, [](const Opportunity&) {});
    });
    return 0;
}
