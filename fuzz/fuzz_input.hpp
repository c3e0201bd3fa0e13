// What every fuzz target shares: the input as text, and the rule that a parser may refuse
// input only with funnel's own Error (exit codes 1 to 4), never with anything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "funnel/error.hpp"

namespace funnel::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`; funnel's Error is a refusal, anything else escapes to the fuzzer as a crash.
template <typename Parse>
void refusing(Parse&& parse) {
    try {
        parse();
    } catch (const Error&) {
    }
}

}  // namespace funnel::fuzz
