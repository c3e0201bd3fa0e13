#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit tests, golden command-line tests,
# the examples of the user guide, the crash, load, fault and restore tests and the man page
# lint; then all of them again on a build with AddressSanitizer and UndefinedBehaviorSanitizer,
# and a fixed run of each fuzz target (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest -j2 --output-on-failure)
bash scripts/sanitize.sh
