#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit tests, golden command-line tests,
# the examples of the user guide, the concurrency test and the man page lint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest -j2 --output-on-failure
