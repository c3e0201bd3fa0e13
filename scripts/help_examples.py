#!/usr/bin/env python3
"""Writes the examples at the foot of each command's --help, taken from the documents.

Every ```console block of the documents runs as a test (tests/cli/golden.py), so the examples
--help shows are known to work. For each command (its first two words after `funnel`, global
options skipped), the first three examples that succeed, take no pipe or redirection and set no
environment are kept, in the order the documents give them, the user guide first.

Usage: help_examples.py OUTPUT DOCUMENT...   (writes a C++ table that src/cli/app.cpp includes)
"""

import re
import shlex
import sys

GLOBAL_WITH_VALUE = {"--today", "--db", "--format", "--color"}
PER_COMMAND = 3


def examples_of(path):
    """(command line, succeeded) for each `$ funnel ...` of the console blocks."""
    found = []
    in_console = False
    with open(path, encoding="utf-8") as text:
        for line in text.read().split("\n"):
            if line.strip().startswith("```"):
                in_console = line.strip() == "```console"
                continue
            if not in_console:
                continue
            if line.startswith("$ "):
                found.append([line[2:], True])
            elif re.fullmatch(r"\[exit \d+\]", line) and found:
                found[-1][1] = False
    return [command for command, ok in found if ok]


def command_words(line):
    """The first two words of the command after `funnel` and its global options."""
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    if not words or words[0] != "funnel":
        return None
    rest, i = [], 1
    while i < len(words) and len(rest) < 2:
        word = words[i]
        if word in GLOBAL_WITH_VALUE:
            i += 2
            continue
        if word.startswith("-"):
            if not rest:
                i += 1
                continue
            break
        rest.append(word)
        i += 1
    return tuple(rest) if rest else None


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    output, documents = sys.argv[1], sys.argv[2:]
    chosen = {}
    for document in documents:
        for line in examples_of(document):
            if any(mark in line for mark in ("|", ">", "<", "$(", "`")):
                continue
            words = command_words(line)
            if not words:
                continue
            kept = chosen.setdefault(words, [])
            if len(kept) < PER_COMMAND and line not in kept:
                kept.append(line)
    rows = []
    for words, lines in chosen.items():
        first, second = words[0], words[1] if len(words) > 1 else ""
        for line in lines:
            rows.append(f"    {{{c_string(first)}, {c_string(second)}, {c_string(line)}}},")
    with open(output, "w", encoding="utf-8") as out:
        out.write("// Written by scripts/help_examples.py from the documents; do not edit.\n")
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
