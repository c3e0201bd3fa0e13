#!/usr/bin/env bash
# Fuzzes each parser for a bounded time, two at a time, starting from its committed corpus
# (fuzz/corpus/NAME). New inputs go to a scratch folder, so the tree stays as committed. A crash
# is kept in fuzz/crashes/ and fails the run: once fixed, move it into fuzz/corpus/NAME/, where
# ctest runs it as a regression test (fuzz.NAME.corpus).
# Usage: scripts/fuzz.sh [BUILD_DIR] [SECONDS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-sanitize}
seconds=${2:-20}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p fuzz/crashes
export build seconds scratch
# Each target runs under its sanitizers; a leak report on exit is a failure too.
printf '%s\n' date amount csv dump ical option | xargs -P 2 -I{} sh -c '
    mkdir -p "$scratch/{}"
    if "$build/fuzz/{}_fuzz" "$scratch/{}" "fuzz/corpus/{}" -max_total_time="$seconds" \
        -artifact_prefix="fuzz/crashes/{}-" -print_final_stats=1 > "$scratch/{}.log" 2>&1; then
        echo "fuzz {}: $(grep -o "stat::number_of_executed_units: [0-9]*" "$scratch/{}.log" | grep -o "[0-9]*$") runs in $seconds s, no crash"
    else
        tail -40 "$scratch/{}.log"
        echo "fuzz {}: FAILED; the input is in fuzz/crashes/"
        exit 255
    fi'
