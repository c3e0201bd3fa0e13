#!/usr/bin/env python3
"""Several processes add and stage opportunities in one data file at the same moment.

Every command must succeed (writers wait for each other instead of failing) and every write
must be there afterwards. First, many times over, several processes make their first write to a
data file that does not exist yet, all at once: each must succeed, whoever creates the file.
Usage: concurrency.py --funnel PATH [--writers N] [--deals N] [--fresh-rounds N]
       [--fresh-writers N]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

WRITER = r"""
set -e
for i in $(seq 1 "$DEALS"); do
    id=$(funnel -q opp add "writer $WRITER deal $i" --org "Org $((WRITER % 2))" --close 2026-12-31 --amount "$i")
    funnel -q opp stage "$id" quote --note "writer $WRITER" > /dev/null
    funnel opp list --limit 5 > /dev/null
done
"""


def first_writes(args):
    """Rounds of processes writing at once to a data file that does not exist yet, in the default
    location, whose folders do not exist either: each must succeed, exactly one says it created
    the file, and nothing is left beside it."""
    failures = 0
    for round_number in range(args.fresh_rounds):
        with tempfile.TemporaryDirectory(prefix="funnel-first-write-") as tmp:
            env = {key: value for key, value in os.environ.items() if key != "FUNNEL_DB"}
            env["XDG_DATA_HOME"] = os.path.join(tmp, "xdg")
            folder = os.path.join(tmp, "xdg", "funnel")
            processes = [
                subprocess.Popen([args.funnel, "opp", "add", f"deal {writer}", "--org", "Org",
                                  "--close", "2026-12-31"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
                for writer in range(args.fresh_writers)
            ]
            notes = []
            for process in processes:
                _, err = process.communicate(timeout=120)
                notes += err.splitlines()
                if process.returncode != 0:
                    failures += 1
                    print(f"round {round_number}: exit {process.returncode}: {err.strip()}")
            created = [note for note in notes if note.startswith("funnel: created data file ")]
            if len(created) != 1:
                failures += 1
                print(f"round {round_number}: {len(created)} processes said they created the file")
            listed = subprocess.run([args.funnel, "opp", "list", "--all", "--json"], env=env,
                                    capture_output=True, text=True)
            count = len(json.loads(listed.stdout)) if listed.returncode == 0 else -1
            leftovers = [name for name in os.listdir(folder)
                         if name not in ("funnel.db", "funnel.db-wal", "funnel.db-shm")]
            if count != args.fresh_writers or leftovers:
                failures += 1
                print(f"round {round_number}: {count} deals of {args.fresh_writers}, files left: {leftovers}")
    print(f"{args.fresh_rounds} rounds of {args.fresh_writers} first writes to a new file: "
          f"{failures} failures")
    return failures > 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--deals", type=int, default=25)
    # A race that fails one burst in 200 (0.5 %) fails at least once in 600 bursts 95 % of the time.
    parser.add_argument("--fresh-rounds", type=int, default=600)
    parser.add_argument("--fresh-writers", type=int, default=8)
    args = parser.parse_args()
    failed = first_writes(args)
    if args.writers == 0:
        sys.exit(1 if failed else 0)
    with tempfile.TemporaryDirectory(prefix="funnel-concurrency-") as tmp:
        env = dict(os.environ)
        env.update(
            PATH=os.path.dirname(os.path.abspath(args.funnel)) + os.pathsep + env.get("PATH", ""),
            FUNNEL_DB=os.path.join(tmp, "funnel.db"),
            DEALS=str(args.deals),
        )
        writers = []
        for writer in range(args.writers):
            env_writer = dict(env, WRITER=str(writer))
            writers.append(
                subprocess.Popen(["bash", "-c", WRITER], env=env_writer, stderr=subprocess.PIPE, text=True)
            )
        for writer, process in enumerate(writers):
            _, err = process.communicate(timeout=600)
            if process.returncode != 0:
                failed = True
                print(f"writer {writer} failed with exit {process.returncode}: {err.strip()}")
        deals = json.loads(
            subprocess.run(["funnel", "opp", "list", "--all", "--json"], env=env, check=True,
                           capture_output=True, text=True).stdout
        )
        expected = args.writers * args.deals
        names = {deal["name"] for deal in deals}
        missing = [f"writer {w} deal {i}" for w in range(args.writers) for i in range(1, args.deals + 1)
                   if f"writer {w} deal {i}" not in names]
        staged = [deal for deal in deals if deal["stage"] == "quote-sent" and deal["probability"] == 50]
        orgs = json.loads(subprocess.run(["funnel", "org", "list", "--json"], env=env, check=True,
                                         capture_output=True, text=True).stdout)
        info = json.loads(subprocess.run(["funnel", "db", "info", "--json"], env=env, check=True,
                                         capture_output=True, text=True).stdout)
        print(f"{len(deals)} deals of {expected}, {len(staged)} staged, {len(orgs)} organizations, "
              f"{info['history']} history entries")
        if missing:
            failed = True
            print("missing:", ", ".join(missing[:10]))
        if len(deals) != expected or len(staged) != expected:
            failed = True
        # Writers share two organizations: each is created once, whoever comes first.
        if len(orgs) != min(2, args.writers):
            failed = True
            print(f"expected {min(2, args.writers)} organizations")
        # Each deal: its creation, then the stage and probability changes.
        if info["history"] != expected * 3:
            failed = True
            print(f"expected {expected * 3} history entries")
        check = subprocess.run(["sqlite3", env["FUNNEL_DB"], "PRAGMA integrity_check"], capture_output=True, text=True)
        if check.stdout.strip() != "ok":
            failed = True
            print("integrity check:", check.stdout.strip())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
