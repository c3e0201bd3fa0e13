#!/usr/bin/env bash
# Fuzzes each parser, two at a time, starting from its committed corpus (fuzz/corpus/NAME). New
# inputs go to a scratch folder, so the tree stays as committed. A crash is kept in fuzz/crashes/
# and fails the run: once fixed, move it into fuzz/corpus/NAME/, where ctest runs it as a
# regression test (fuzz.NAME.corpus).
#
# Two modes:
#   scripts/fuzz.sh [BUILD_DIR] runs N      a fixed number of runs from a fixed seed: the same
#                                           inputs every time, so a pass stays a pass (CI)
#   scripts/fuzz.sh [BUILD_DIR] seconds N   explores for N seconds each from a random seed: run
#                                           it long before committing a parser change
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-sanitize}
mode=${2:-runs}
amount=${3:-20000}
case $mode in
runs) limit="-seed=1 -runs=$amount" ;;
seconds) limit="-max_total_time=$amount" ;;
*)
    echo "usage: scripts/fuzz.sh [BUILD_DIR] runs|seconds N" >&2
    exit 2
    ;;
esac
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p fuzz/crashes
export build limit scratch
# Each target runs under its sanitizers; a leak report on exit is a failure too. A failure
# exits 1, not 255, so that xargs goes on with the other targets and reports them all.
# The targets are those fuzz/CMakeLists.txt builds.
targets=$(cd "$build/fuzz" && ls -- *_fuzz | sed 's/_fuzz$//')
[ -n "$targets" ] || { echo "fuzz: no targets in $build/fuzz" >&2; exit 1; }
printf '%s\n' $targets | xargs -P 2 -I{} sh -c '
    mkdir -p "$scratch/{}"
    started=$(date +%s)
    if "$build/fuzz/{}_fuzz" "$scratch/{}" "fuzz/corpus/{}" $limit \
        -artifact_prefix="fuzz/crashes/{}-" -print_final_stats=1 > "$scratch/{}.log" 2>&1; then
        echo "fuzz {}: $(grep -o "stat::number_of_executed_units: [0-9]*" "$scratch/{}.log" | grep -o "[0-9]*$") runs in $(($(date +%s) - started)) s, no crash"
    else
        tail -40 "$scratch/{}.log"
        echo "fuzz {}: FAILED; the input is in fuzz/crashes/"
        exit 1
    fi'
