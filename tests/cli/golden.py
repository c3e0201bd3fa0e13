#!/usr/bin/env python3
"""Golden tests: run command lines against a fresh data file and compare what they print.

Two kinds of input files:

* `.test` files. `$ CMD` runs CMD; `$! CMD` runs it and also checks that the data file is
  byte-for-byte unchanged (or still absent). The lines that follow are the expected stdout;
  lines starting with `! ` are expected stderr lines and `? N` is the expected exit code
  (0 when absent). Lines starting with `;` are comments. Trailing blank lines of a block are
  ignored.
* Markdown files (the user guide). Every ```console block is run in order: `$ CMD` lines are
  commands, the lines after them the expected output (stdout and stderr together), and a last
  line `[exit N]` the expected exit code.

In both, `...` in an expected line stands for any text: the time a command took.

Each file gets a fresh temporary folder, with FUNNEL_DB pointing into it, FUNNEL_TODAY set to
2026-11-16 and a fixed locale; FIXTURES names tests/cli/fixtures, SOURCE the source tree and
PYTHON the interpreter running the tests (Debian's, with its python3-icalendar). `export NAME=VALUE` commands change the environment of the
commands after them, except FUNNEL_DB: each file keeps its own data file. The path of the
temporary folder is shown as $TMP in outputs.

Usage: golden.py --funnel PATH [--update] FILE...
"""

import argparse
import difflib
import hashlib
import os
import re
import shlex
import subprocess
import sys
import tempfile

DEFAULT_TODAY = "2026-11-16"


class Step:
    def __init__(self, line_no, command, check_unchanged=False):
        self.line_no = line_no
        self.command = command
        self.check_unchanged = check_unchanged
        self.stdout = []
        self.stderr = []
        self.exit_code = 0


def line_matches(expected, actual):
    """An expected line equals the actual one, or "..." in it stands for any text (a time)."""
    if expected == actual or "..." not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual) is not None


def lines_match(expected, actual):
    return len(expected) == len(actual) and all(map(line_matches, expected, actual))


def strip_trailing_blanks(lines):
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def parse_test_file(text):
    steps = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("$! ") or line.startswith("$ "):
            unchanged = line.startswith("$! ")
            steps.append(Step(number, line[3:] if unchanged else line[2:], unchanged))
        elif line.startswith(";"):
            continue
        elif not steps:
            if line.strip():
                raise SystemExit(f"line {number}: output before the first command")
        elif line.startswith("? "):
            steps[-1].exit_code = int(line[2:])
        elif line.startswith("! ") or line == "!":
            steps[-1].stderr.append(line[2:])
        else:
            steps[-1].stdout.append(line)
    for step in steps:
        strip_trailing_blanks(step.stdout)
        strip_trailing_blanks(step.stderr)
    return steps


def parse_markdown(text):
    steps = []
    in_console = False
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip().startswith("```"):
            if in_console and steps and not hasattr(steps[-1], "block_end"):
                steps[-1].block_end = number
            in_console = line.strip() == "```console"
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            if steps and not hasattr(steps[-1], "block_end"):
                steps[-1].block_end = number
            steps.append(Step(number, line[2:]))
            steps[-1].merged = True
        elif steps:
            match = re.fullmatch(r"\[exit (\d+)\]", line)
            if match:
                steps[-1].exit_code = int(match.group(1))
            else:
                steps[-1].stdout.append(line)
    for step in steps:
        strip_trailing_blanks(step.stdout)
    return steps


def fingerprint(db):
    """The bytes of the data file and its WAL, or None when it does not exist."""
    if not os.path.exists(db):
        return None
    digest = hashlib.sha256()
    for path in (db, db + "-wal"):
        if os.path.exists(path):
            with open(path, "rb") as f:
                digest.update(f.read())
        digest.update(b"|")
    return digest.hexdigest()


def run_file(path, funnel, update):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    markdown = path.endswith(".md")
    steps = parse_markdown(text) if markdown else parse_test_file(text)
    if not steps:
        print(f"{path}: no commands")
        return False
    failures = []
    with tempfile.TemporaryDirectory(prefix="funnel-golden-") as tmp:
        tmp = os.path.realpath(tmp)
        os.makedirs(os.path.join(tmp, "home"))
        bindir = os.path.dirname(os.path.abspath(funnel))
        env = {
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(tmp, "home"),
            "FUNNEL_DB": os.path.join(tmp, "funnel.db"),
            "FUNNEL_TODAY": DEFAULT_TODAY,
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "USER": "tester",
            "TZ": "UTC",
            "TMP": tmp,
            "FIXTURES": os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"),
            "PYTHON": sys.executable,
            "SOURCE": os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")),
        }
        for step in steps:
            export = re.fullmatch(r"export (\w+)=(.*)", step.command)
            if export and export.group(1) == "FUNNEL_DB":
                continue  # each test keeps its own data file
            if export:
                value = shlex.split(export.group(2))[0] if export.group(2) else ""
                env[export.group(1)] = os.path.expandvars(value.replace("$TMP", tmp))
                continue
            before = fingerprint(env["FUNNEL_DB"])
            merged = getattr(step, "merged", False)
            result = subprocess.run(
                ["bash", "-c", step.command],
                cwd=tmp,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                timeout=120,
            )
            out = result.stdout.decode("utf-8", "replace").replace(tmp, "$TMP")
            err = "" if merged else result.stderr.decode("utf-8", "replace").replace(tmp, "$TMP")
            actual_out = strip_trailing_blanks(out.split("\n"))
            actual_err = strip_trailing_blanks(err.split("\n")) if err else []
            problems = []
            # Lines that match through "..." are kept as written when the file is updated.
            if lines_match(step.stdout, actual_out):
                actual_out = step.stdout
            if lines_match(step.stderr, actual_err):
                actual_err = step.stderr
            if actual_out != step.stdout:
                problems.append(
                    "stdout differs:\n"
                    + "\n".join(difflib.unified_diff(step.stdout, actual_out, "expected", "actual", lineterm=""))
                )
            if actual_err != step.stderr:
                problems.append(
                    "stderr differs:\n"
                    + "\n".join(difflib.unified_diff(step.stderr, actual_err, "expected", "actual", lineterm=""))
                )
            if result.returncode != step.exit_code:
                problems.append(f"exit code {result.returncode}, expected {step.exit_code}")
            if step.check_unchanged and fingerprint(env["FUNNEL_DB"]) != before:
                problems.append("the data file changed")
            if problems:
                failures.append((step, problems))
            step.actual = (actual_out, actual_err, result.returncode)
    if update:
        (write_updated_markdown if markdown else write_updated)(path, text, steps)
    for step, problems in failures:
        print(f"{path}:{step.line_no}: $ {step.command}")
        for problem in problems:
            print("  " + problem.replace("\n", "\n  "))
    print(f"{path}: {len(steps) - len(failures)} of {len(steps)} commands as expected")
    return not failures


def write_updated(path, text, steps):
    """Rewrites a .test file with the actual outputs, keeping commands and comments."""
    lines = []
    by_line = {step.line_no: step for step in steps}
    skipping = False
    for number, line in enumerate(text.split("\n"), 1):
        if number in by_line:
            step = by_line[number]
            lines.append(line)
            if hasattr(step, "actual"):
                out, err, code = step.actual
                lines.extend(out)
                lines.extend("! " + e if e else "!" for e in err)
                if code:
                    lines.append(f"? {code}")
                lines.append("")
            skipping = True
            continue
        # A command, as parse_test_file reads one: output may start with "$" too ($TMP/...).
        command = line.startswith("$ ") or line.startswith("$! ")
        if command or line.startswith(";"):
            skipping = False
        if command:
            lines.append(line)
            continue
        if not skipping:
            lines.append(line)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n")


def write_updated_markdown(path, text, steps):
    """Rewrites the outputs in the console blocks of a page with the actual ones."""
    lines = text.split("\n")
    for step in reversed(steps):
        if not hasattr(step, "actual"):
            continue
        out, _, code = step.actual
        replacement = list(out) + ([f"[exit {code}]"] if code else [])
        lines[step.line_no:step.block_end - 1] = replacement
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    parser.add_argument("--update", action="store_true", help="rewrite .test files with actual output")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    ok = all([run_file(path, args.funnel, args.update) for path in args.files])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
