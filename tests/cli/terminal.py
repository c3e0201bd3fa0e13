#!/usr/bin/env python3
"""Tables and the pager on a terminal, through a pseudo-terminal of a given size.

Tables fit terminals of 60, 80 and 120 columns (compared with tests/cli/terminal.expected,
which --update rewrites); --wide and output that is not a terminal print them whole; output
longer than the screen goes through the pager (a fake one that records what it is given), and
never with --no-pager, `pager = false`, or when standard output is not a terminal.

Usage: terminal.py --funnel PATH [--update]
"""

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "terminal.expected")


def on_terminal(command, env, columns, lines=40):
    """Runs command with stdout on a pseudo-terminal of that size; returns what it showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    _, errors = process.communicate()
    os.close(leader)
    return shown.decode().replace("\r\n", "\n"), errors.decode(), process.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    funnel = os.path.abspath(args.funnel)
    failures = []

    def check(what, condition):
        if not condition:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="funnel-terminal-") as tmp:
        os.makedirs(os.path.join(tmp, "home"))
        paged = os.path.join(tmp, "paged")
        pager = os.path.join(tmp, "fake-pager")
        with open(pager, "w") as script:
            script.write(f"#!/bin/sh\necho \"args: $*\" > '{paged}'\ncat >> '{paged}'\n")
        os.chmod(pager, 0o755)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(tmp, "home"),
            "FUNNEL_DB": os.path.join(tmp, "funnel.db"),
            "FUNNEL_TODAY": "2026-11-16",
            "FUNNEL_CACHE": "off",
            "LANG": "C.UTF-8",
            "TERM": "xterm",
            "USER": "tester",
            "TZ": "UTC",
            "PAGER": pager,
            "NO_COLOR": "1",
        }

        def run(*words, **extra):
            return subprocess.run([funnel, *words], env={**env, **extra}, capture_output=True,
                                  text=True, check=True).stdout

        run("-q", "opp", "add", "ACME — 50 support seats for the EMEA region, renewal with upsell",
            "--org", "ACME International Holdings GmbH", "--close", "eoq", "--amount", "42k",
            "--next-step", "Send the revised quote with the volume discount")
        run("-q", "opp", "add", "Globex", "--org", "Globex", "--close", "eom", "--amount", "1.5k")
        run("-q", "opp", "add", "Initech server room", "--org", "Initech", "--close",
            "2027-01-15", "--amount", "230k", "--stage", "quote", "--owner", "Margaret")
        # The tables, at three widths; the bars of the forecast have a header.
        transcript = []
        for columns in (60, 80, 120):
            for command in (["opp", "list"], ["report", "pipeline"]):
                shown, errors, code = on_terminal([funnel, *command], env, columns)
                check(f"{command} at {columns}: exit {code}, {errors}", code == 0 and not errors)
                for line in shown.splitlines():
                    check(f"{command} at {columns}: a line of {len(line)} columns: {line}",
                          len(line) <= columns)
                transcript.append(f"$ funnel {' '.join(command)}  # {columns} columns\n{shown}")
        transcript = "\n".join(transcript)
        if args.update:
            with open(EXPECTED, "w") as out:
                out.write(transcript)
        else:
            with open(EXPECTED) as expected:
                check(f"tables differ from {EXPECTED} (run with --update and compare)",
                      expected.read() == transcript)
        # --wide, and output that is not a terminal, print the table whole.
        whole = run("opp", "list")
        check("not a terminal: whole names", "for the EMEA region, renewal with upsell" in whole)
        shown, _, _ = on_terminal([funnel, "opp", "list", "--wide"], env, 60)
        check("--wide: whole names", "for the EMEA region, renewal with upsell" in shown)
        check("--wide: as the pipe has it", shown == whole)

        # The pager: only for output longer than the screen, only on a terminal.
        def pager_ran():
            ran = os.path.exists(paged)
            if ran:
                os.remove(paged)
            return ran

        shown, _, _ = on_terminal([funnel, "opp", "list"], env, 120, lines=40)
        check("short output: no pager", not pager_ran() and "Globex" in shown)
        for i in range(40):
            run("-q", "opp", "add", f"Deal {i}", "--org", "Globex", "--close", "eoy")
        shown, errors, code = on_terminal([funnel, "opp", "list"], env, 120, lines=40)
        check(f"long output: exit {code} {errors}", code == 0)
        check("long output: shown by the pager, not funnel", "Deal 39" not in shown)
        with open(paged) as text:
            recorded = text.read()
        check("long output: the pager got the whole table",
              "Deal 39" in recorded and "43 opportunities" in recorded)
        check("long output: fitted to the terminal", "for the EMEA region" not in recorded)
        pager_ran()
        shown, _, _ = on_terminal([funnel, "opp", "list", "--no-pager"], env, 120, lines=40)
        check("--no-pager: no pager", not pager_ran() and "Deal 39" in shown)
        run("-q", "config", "set", "pager", "false")
        shown, _, _ = on_terminal([funnel, "opp", "list"], env, 120, lines=40)
        check("pager = false: no pager", not pager_ran() and "Deal 39" in shown)
        shown, _, _ = on_terminal([funnel, "opp", "list"], {**env, "FUNNEL_PAGER": pager + " -x"},
                                  120, lines=40)
        check("FUNNEL_PAGER beats the file", pager_ran() and "Deal 39" not in shown)
        run("-q", "config", "unset", "pager")
        run("opp", "list")
        check("not a terminal: no pager", not pager_ran())
        shown, _, _ = on_terminal([funnel, "opp", "list"], {**env, "PAGER": "no-such-pager"},
                                  120, lines=40)
        check("a pager that is not installed: printed", "Deal 39" in shown)
        shown, errors, code = on_terminal([funnel, "opp", "show", "999"], env, 120, lines=5)
        check("an error: no pager, one line", code == 3 and not pager_ran() and "999" in errors)

    for failure in failures:
        print("FAIL:", failure)
    print(f"terminal: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
