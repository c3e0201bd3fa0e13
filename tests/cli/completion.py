#!/usr/bin/env python3
"""The completion scripts, run in the shells themselves.

For each of bash, zsh and fish (zsh and fish as scripts/setup.sh installs them; a shell that is
not installed is said and skipped), the script `funnel completion SHELL` prints is loaded and
asked for the same cases: commands, subcommands, options, --format values, and stage and
organization names from the data file. bash runs its completion function as `complete -F`
registered it (checked with `complete -p`), zsh runs the function with `compadd` recording what
it is given, fish answers `complete -C`.

Usage: completion.py --funnel PATH
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# The words typed (the last one being completed), and what must be offered.
CASES = [
    (["op"], ["opp"]),
    (["opp", "l"], ["link", "list"]),
    (["opp", "list", "--so"], ["--sort"]),
    (["opp", "stage", "1", "q"], ["quote-sent"]),
    (["opp", "list", "--org", "Gl"], ["Globex"]),
    (["opp", "list", "--org", "Umb"], ["Umbrella Health"]),
    (["report", "forecast", "--format", "j"], ["json", "jsonl"]),
    (["config", "set", "list.s"], ["list.sort"]),
]


def bash_script(cases):
    lines = ['source <(funnel completion bash)', 'complete -p funnel']
    for words, _ in cases:
        quoted = " ".join("'" + w + "'" for w in ["funnel", *words])
        lines.append(f"COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; COMPREPLY=(); _funnel")
        lines.append('printf "%s\\n" "${COMPREPLY[@]}"; echo ---')
    return "\n".join(lines) + "\n"


def zsh_script(cases):
    lines = ['compdef() { print "compdef $*"; }', 'source <(funnel completion zsh)',
             'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }']
    for words, _ in cases:
        quoted = " ".join("'" + w + "'" for w in ["funnel", *words])
        lines.append(f"words=({quoted}); CURRENT={len(words) + 1}; _funnel; print -- ---")
    return "\n".join(lines) + "\n"


def fish_script(cases):
    lines = ["funnel completion fish | source"]
    for words, _ in cases:
        line = " ".join(["funnel", *words]).replace("'", "\\'")
        lines.append(f"complete -C'{line}'; echo ---")
    return "\n".join(lines) + "\n"


def expected(cases, shell):
    blocks = []
    for _, offered in cases:
        if shell == "bash":  # quoted for the command line, as bash inserts them
            offered = [o.replace(" ", "\\ ") for o in offered]
        blocks.append("\n".join(offered) + "\n---\n")
    return "".join(blocks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    args = parser.parse_args()
    funnel = os.path.abspath(args.funnel)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="funnel-completion-") as tmp:
        env = {
            "PATH": os.path.dirname(funnel) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "FUNNEL_DB": os.path.join(tmp, "funnel.db"),
            "FUNNEL_TODAY": "2026-11-16",
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
        }
        for org in ("Globex", "Umbrella Health", "ACME"):
            subprocess.run([funnel, "-q", "opp", "add", f"{org} deal", "--org", org, "--close",
                            "eom"], env=env, check=True, capture_output=True)
        shells = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
        for shell, script in shells.items():
            program = shutil.which(shell)
            if not program:
                print(f"{shell}: not installed, skipped")
                continue
            command = [program, "--norc", "--noprofile"] if shell == "bash" else [program]
            if shell == "zsh":
                command = [program, "-f"]
            if shell == "fish":
                command = [program, "--no-config"]
            result = subprocess.run(command, input=script(CASES), env=env, capture_output=True,
                                    text=True)
            out = result.stdout
            want = expected(CASES, shell)
            if shell == "bash":
                want = "complete -F _funnel funnel\n" + want
            if shell == "zsh":
                want = "compdef _funnel funnel\n" + want
            # The shells show candidates sorted; the order funnel gives them in does not count.
            def blocks(text):
                return [sorted(block.split("\n")) for block in text.split("---\n")]

            if blocks(out) != blocks(want) or result.returncode != 0:
                failures += 1
                print(f"FAIL {shell} (exit {result.returncode}): {result.stderr}")
                print("expected:\n" + want + "actual:\n" + out)
            else:
                print(f"{shell}: {len(CASES)} cases as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
