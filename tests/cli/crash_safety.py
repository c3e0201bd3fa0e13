#!/usr/bin/env python3
"""Processes killed at random moments never damage the data file nor leave half a write.

1. `import opportunities` of a large file (50,000 rows) into a data file that holds deals, killed (SIGKILL)
   at random moments: after each kill the file passes SQLite's integrity check and db check,
   and holds either all the imported deals or none of them.
2. The same import into a data file that does not exist yet, killed: no data file, or a whole
   one; the files a killed process leaves beside it are removed by the next command.
3. A loop of `opp stage` and `opp edit` on many deals, killed at random moments: the file is
   sound and every deal's history agrees with its fields.

Usage: crash_safety.py --funnel PATH [--rows N] [--kills N] [--seed N]
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time


def run(funnel, args, env, check=True):
    result = subprocess.run([funnel] + args, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"funnel {' '.join(args)}: exit {result.returncode}: {result.stderr}")
    return result


def sound(funnel, db, env):
    """Problems of a data file, by SQLite and by db check; none when it is sound."""
    problems = []
    integrity = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], capture_output=True,
                               text=True)
    if integrity.stdout.strip() != "ok":
        problems.append(f"integrity_check: {integrity.stdout.strip()[:300]}")
    check = run(funnel, ["--db", db, "db", "check", "--format", "tsv"], env, check=False)
    if check.returncode != 0:
        problems.append(f"db check: {check.stdout.strip()[-300:]} {check.stderr.strip()}")
    return problems


def deal_count(funnel, db, env):
    info = json.loads(run(funnel, ["--db", db, "db", "info", "--json"], env).stdout)
    return info["opportunities"]


def kill_at_random(command, env, earliest, latest, rng):
    """Starts a command and kills it with SIGKILL after a random delay; True when killed."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(rng.uniform(earliest, latest))
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return killed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = []
    with tempfile.TemporaryDirectory(prefix="funnel-crash-") as tmp:
        env = dict(os.environ, FUNNEL_TODAY="2026-11-16", LANG="C.UTF-8", USER="tester")
        big = os.path.join(tmp, "big.csv")
        with open(big, "w") as f:
            f.write("external_id,name,org,amount,close_date,stage,owner\n")
            for i in range(args.rows):
                f.write(f"K{i},Deal {i},Org {i % 500},{1000 + i % 9000}.50,2027-0{1 + i % 9}-15,"
                        f"{('prospecting', 'quote-sent', 'renegotiation')[i % 3]},owner{i % 7}\n")

        # How long a whole import takes, to kill within it.
        timing = os.path.join(tmp, "timing.db")
        started = time.monotonic()
        run(args.funnel, ["--db", timing, "-q", "import", "opportunities", big, "--key",
                          "external_id"], env)
        duration = time.monotonic() - started
        os.remove(timing)

        # 1. Into a file that holds deals: all or nothing.
        db = os.path.join(tmp, "funnel.db")
        for i in range(5):
            run(args.funnel, ["--db", db, "-q", "opp", "add", f"Kept {i}", "--org", "Kept",
                              "--close", "2026-12-31", "--amount", "10"], env)
        killed = 0
        for attempt in range(args.kills):
            before = deal_count(args.funnel, db, env)
            killed += kill_at_random([args.funnel, "--db", db, "-q", "import", "opportunities",
                                      big, "--key", "external_id", "--on-duplicate", "skip"],
                                     env, 0.02, duration * 0.7, rng)
            problems = sound(args.funnel, db, env)
            after = deal_count(args.funnel, db, env)
            if after not in (before, 5 + args.rows):
                problems.append(f"{after} deals: neither the {before} before nor all")
            if problems:
                failures.append(f"import kill {attempt}: " + "; ".join(problems))
            if after != 5:  # imported whole: start again from the five kept deals
                os.remove(db)
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                for i in range(5):
                    run(args.funnel, ["--db", db, "-q", "opp", "add", f"Kept {i}", "--org",
                                      "Kept", "--close", "2026-12-31", "--amount", "10"], env)
        print(f"import of {args.rows:,} rows ({duration:.1f} s) into a file with deals: "
              f"{args.kills} runs, {killed} killed midway")

        # 2. Into a file that does not exist yet: none, or a whole one; leftovers cleaned.
        folder = os.path.join(tmp, "new")
        os.makedirs(folder)
        fresh = os.path.join(folder, "funnel.db")
        killed = 0
        for attempt in range(max(1, args.kills // 2)):
            killed += kill_at_random([args.funnel, "--db", fresh, "-q", "import",
                                      "opportunities", big], env, 0.02, duration * 0.7, rng)
            if os.path.exists(fresh):
                count = deal_count(args.funnel, fresh, env)
                problems = sound(args.funnel, fresh, env)
                if count != args.rows:
                    problems.append(f"a new file with {count} deals")
                if problems:
                    failures.append(f"new-file kill {attempt}: " + "; ".join(problems))
                for name in os.listdir(folder):
                    os.remove(os.path.join(folder, name))
        # What the killed processes left beside the file goes with the next command.
        left = [name for name in os.listdir(folder) if ".new-" in name]
        run(args.funnel, ["--db", fresh, "-q", "org", "add", "After"], env)
        still = [name for name in os.listdir(folder) if ".new-" in name]
        if still:
            failures.append(f"files left by killed processes not removed: {still}")
        print(f"import into a new file: {max(1, args.kills // 2)} runs, {killed} killed midway, "
              f"{len(left)} files left behind, all removed by the next command")

        # 3. Stage changes and edits, killed at random.
        db = os.path.join(tmp, "loop.db")
        deals = 30
        for i in range(deals):
            run(args.funnel, ["--db", db, "-q", "opp", "add", f"Deal {i}", "--org",
                              f"Org {i % 3}", "--close", "2026-12-31", "--amount", "100"], env)
        loop = (
            "for round in $(seq 1 1000); do for id in $(seq 1 %d); do "
            "funnel --db %s -q opp stage $id $(( (round + id) %% 2 ? 4 : 3 )) > /dev/null; "
            "funnel --db %s -q opp edit $id --amount $(( round * 10 + id )) "
            "--next-step \"step $round\" > /dev/null; done; done" % (deals, db, db))
        loop_env = dict(env, PATH=os.path.dirname(os.path.abspath(args.funnel)) + os.pathsep +
                        env.get("PATH", ""))
        killed = 0
        for attempt in range(args.kills):
            killed += kill_at_random(["bash", "-c", loop], loop_env, 0.05, 1.0, rng)
            problems = sound(args.funnel, db, env)
            # Each deal's fields agree with the last values its history recorded.
            for deal in json.loads(run(args.funnel, ["--db", db, "opp", "list", "--json"],
                                       env).stdout)[:5]:
                history = json.loads(run(args.funnel, ["--db", db, "opp", "history",
                                                       str(deal["id"]), "--json"], env).stdout)
                amounts = [h["new"] for h in history if h["field"] == "amount"]
                if amounts and float(amounts[-1]) != float(deal["amount"]):
                    problems.append(f"deal {deal['id']}: amount {deal['amount']}, history says "
                                    f"{amounts[-1]}")
            if problems:
                failures.append(f"loop kill {attempt}: " + "; ".join(problems[:3]))
        print(f"opp stage and opp edit loop: {args.kills} kills, {killed} while a command ran")
    for failure in failures:
        print("FAILED:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
