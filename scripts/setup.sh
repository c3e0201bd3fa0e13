#!/usr/bin/env bash
# Installs the Debian 12 packages funnel needs to build, test and run its demo.
# Runs apt-get only when something is missing; needs root then.
set -euo pipefail

packages=(
    cmake ninja-build g++            # the toolchain
    libcli11-dev                     # command-line parsing
    libsqlitecpp-dev libsqlite3-dev  # the data file
    libfmt-dev                       # formatting
    nettle-dev                       # SHA-256 of linked documents
    nlohmann-json3-dev               # reading the JSON dumps that import all restores
    libutf8proc-dev                  # Unicode case folding and normalization of names
    libtomlplusplus-dev              # reading the config file, whose comments `config set` keeps
    doctest-dev                      # unit tests
    tzdata                           # time zones: import --timezone
    sqlite3                          # tests and benchmarks compare with the sqlite3 shell
    python3 python3-icalendar        # the golden test runner; a real iCalendar parser
    groff-base                       # the man page lint test
    zsh fish                         # the completion scripts are tested in each shell
    clang libclang-rt-14-dev         # the sanitizer build and the libFuzzer targets
    hyperfine time                   # benchmarks: timings and peak memory
    dpkg-dev man-db                  # the package test: cpack's dependencies, man -w
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
