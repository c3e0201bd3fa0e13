#!/usr/bin/env bash
# The second build: clang with AddressSanitizer and UndefinedBehaviorSanitizer, and the
# libFuzzer targets. Runs the whole test suite on it (every error aborts its test), then fuzzes
# each parser for a fixed number of runs from a fixed seed (scripts/fuzz.sh, docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFUNNEL_SANITIZE=ON -DFUNNEL_FUZZ=ON > /dev/null
cmake --build build-sanitize -j2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
(cd build-sanitize && ctest -j2 --output-on-failure)
bash scripts/fuzz.sh build-sanitize runs "${FUZZ_RUNS:-20000}"
