// import all: any document restored into an empty file in memory.
#include <sstream>
#include <string>

#include "funnel/store/store.hpp"
#include "fuzz_input.hpp"

using namespace funnel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Store store = Store::scratch("fuzz.db");
    std::istringstream in(std::string(fuzz::text(data, size)));
    // One file for every input, each restore rolled back: setting up a file costs far more
    // than a restore.
    fuzz::refusing([&] {
        Store::Transaction transaction(store);
        store.dump().restore(in);
        // What a restore accepts, db check finds sound.
        for (const auto& check : store.check())
            if (!check.problems.empty()) __builtin_trap();
    });
    return 0;
}
