#!/usr/bin/env python3
"""A restore refuses what funnel would never write, and db check finds it in a file.

Builds a data file with every kind of record, dumps it (export all) and checks that the dump
restores identically, sequences included. Then, for each of several hundred mutations of the
dump (an impossible date, text in an amount, an id past 2^53, an empty or 10 MB name, an escape
sequence, an unknown field, an empty row, a sequence at the int64 maximum, ...), import all
must exit 2 with one line naming the row, and create no file. The same bad values written into
a data file by another program (the sqlite3 shell) make db check fail, naming them.

Usage: mutated_dumps.py --funnel PATH [--every N]
"""

import argparse
import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

BAD_DATES = ["2026-02-30", "0999-12-31", "2026-1-1", "20261116", 20261116, "tomorrow", ""]
BAD_MOMENTS = ["2026-11-16 09:00:00", "2026-11-16T25:00:00", "2026-02-30T09:00:00", "2026-11-16",
               1700000000]
BAD_WHOLE = ["abc", "12", -1, 1.5, 10 ** 19, 2 ** 63, [1], {"a": 1}, True]
BAD_IDS = [0, -5, 2 ** 53, 2 ** 63 - 1, 2 ** 63, "7", 1.0]
BAD_NAMES = ["", "   ", " padded ", "a" * 600, "esc\x1b[2Jape", "bidi\u202eflip", "c1\u009bcsi",
             "x" * (10 * 1024 * 1024), 42, None]
BAD_TEXT = ["", " padded ", "a" * 600, "esc\x1b[2Jape", "bidi\u202eflip", "two\nlines", 42]
BAD_WORDS = ["bogus", "", "OPEN", 3]
BAD_CURRENCIES = ["eur", "EURO", "XXX", "", 978]


def run(funnel, args, env, **kwargs):
    return subprocess.run([funnel] + args, env=env, capture_output=True, text=True, **kwargs)


def build_file(funnel, env):
    """A data file with every kind of record, and an id sequence ahead of its last row."""
    steps = [
        ["org", "add", "ACME", "--industry", "Tools"],
        ["contact", "add", "Ann Lee", "--org", "ACME", "--email", "ann@acme.example"],
        ["product", "add", "Seat", "--price", "100", "--unit", "month"],
        ["opp", "add", "ACME seats", "--org", "ACME", "--contact", "Ann Lee", "--close",
         "2026-12-31", "--amount", "1200", "--next-step", "call", "--today", "2026-11-02"],
        ["opp", "link", "1", "quote", "Q-1", "--amount", "1200", "--valid-until", "2026-12-15"],
        ["opp", "link", "1", "document", "https://example.com/deck.pdf", "--title", "Deck"],
        ["opp", "link", "1", "product", "Seat", "--qty", "3", "--discount", "10"],
        ["opp", "link", "1", "product", "Seat", "--qty", "1"],
        ["opp", "unlink", "1", "product", "2"],
        ["opp", "link", "1", "activity", "--type", "call", "--subject", "Kick-off",
         "--due", "2026-11-20 10:00", "--duration", "30m"],
        ["opp", "stage", "1", "quote", "--note", "sent"],
        ["opp", "add", "Lost one", "--org", "ACME", "--close", "2026-11-30", "--amount", "50",
         "--today", "2026-11-02"],
        ["opp", "stage", "2", "lost", "--reason", "price", "--on", "2026-11-10"],
    ]
    for step in steps:
        result = run(funnel, ["-q"] + step, env)
        if result.returncode != 0:
            raise SystemExit(f"setting up: {' '.join(step)}: {result.stderr.strip()}")


def mutations(dump):
    """(description, mutated dump) for each value funnel would never write."""
    out = []

    def mutate(description, change):
        mutated = copy.deepcopy(dump)
        change(mutated)
        out.append((description, mutated))

    def set_field(key, index, field, value, child=None, child_index=0):
        def change(d):
            row = d[key][index]
            if child:
                row = row[child][child_index]
            row[field] = value
        where = f"{key}[{index}]" + (f" {child}[{child_index}]" if child else "")
        mutate(f"{where}.{field} = {json.dumps(value)[:40]}", change)

    def drop_field(key, index, field, child=None):
        def change(d):
            row = d[key][index]
            if child:
                row = row[child][0]
            del row[field]
        mutate(f"{key}[{index}]{' ' + child if child else ''} without {field}", change)

    fields = {
        "organizations": {"id": BAD_IDS, "name": BAD_NAMES, "industry": BAD_TEXT,
                          "created_at": BAD_MOMENTS, "updated_at": BAD_MOMENTS},
        "contacts": {"id": BAD_IDS, "name": BAD_NAMES, "org_id": BAD_IDS, "email": BAD_TEXT,
                     "created_at": BAD_MOMENTS},
        "products": {"name": BAD_NAMES, "price": BAD_WHOLE, "currency": BAD_CURRENCIES,
                     "kind": BAD_WORDS},
        "stages": {"name": ["Bad Name", "", "UPPER"], "label": BAD_NAMES[:4],
                   "probability": [101, -1, "50", 50.5], "category": BAD_WORDS,
                   "state": BAD_WORDS, "position": [0, -1, "1"], "stale_days": [0, "30"]},
        "opportunities": {"id": BAD_IDS, "name": BAD_NAMES, "amount": BAD_WHOLE,
                          "currency": BAD_CURRENCIES, "close_date": BAD_DATES,
                          "probability": [101, -1, "50", 50.5], "state": BAD_WORDS,
                          "type": BAD_WORDS, "next_step": BAD_TEXT, "owner": BAD_TEXT,
                          "created_at": BAD_MOMENTS, "stage_changed_at": BAD_MOMENTS,
                          "stage_id": BAD_IDS, "org_id": BAD_IDS},
        "activities": {"subject": [42, "", "esc\x1b[2Jape"], "due_date": BAD_DATES,
                       "due_minute": [1440, -1, "600"], "duration_minutes": [0, "30"],
                       "type": BAD_WORDS},
    }
    for key, by_field in fields.items():
        for field, values in by_field.items():
            for value in values:
                set_field(key, 0, field, value)
    children = {
        "history": {"changed_at": BAD_MOMENTS, "field": ["", 7]},
        "contacts": {"role": BAD_WORDS, "is_primary": [2, "1", -1]},
        "quotes": {"amount": BAD_WHOLE, "status": BAD_WORDS, "valid_until": BAD_DATES,
                   "number": BAD_NAMES[:5]},
        "documents": {"location": ["", "a\x01b", 5], "is_url": [2, "yes"],
                      "sha256": ["xyz", "ABCDEF" * 10 + "ABCD"], "size": [-1, "big"]},
        "lines": {"quantity_milli": [0, -1, "3"], "unit_price": BAD_WHOLE,
                  "discount_bp": [10001, -1], "total": BAD_WHOLE, "currency": BAD_CURRENCIES},
    }
    for child, by_field in children.items():
        for field, values in by_field.items():
            for value in values:
                set_field("opportunities", 0, field, value, child)
    for key in ("organizations", "contacts", "products", "opportunities", "activities"):
        mutate(f"{key}[0] empty", lambda d, key=key: d[key].__setitem__(0, {}))
        mutate(f"{key}[0] unknown field", lambda d, key=key: d[key][0].__setitem__("colour", "red"))
        mutate(f"{key}[0] a number", lambda d, key=key: d[key].__setitem__(0, 5))
        mutate(f"{key}[0] name_key given", lambda d, key=key: d[key][0].__setitem__("name_key", "x")
               if key != "activities" else d[key][0].__setitem__("name_key", "x"))
    for field in ("name", "created_at", "close_date", "amount", "currency", "stage_id"):
        drop_field("opportunities", 0, field)
    drop_field("organizations", 0, "name")
    drop_field("opportunities", 0, "changed_at", "history")
    mutate("a history row with its own opp_id",
           lambda d: d["opportunities"][0]["history"][0].__setitem__("opp_id", 2))
    mutate("meta default_currency bogus",
           lambda d: [r.__setitem__("value", "EURO") for r in d["meta"]
                      if r["key"] == "default_currency"])
    mutate("meta unknown key", lambda d: d["meta"].append({"key": "colour", "value": "red"}))
    for table, value in [("opportunity", 2 ** 63 - 1), ("opportunity", 2 ** 63),
                         ("opportunity", -1), ("opportunity", "12"), ("opportunity", 2 ** 53),
                         ("stage", 5), ("evil", 1), ("opportunity_line", 1.5)]:
        mutate(f"sequence {table} = {value}",
               lambda d, t=table, v=value: d["sequences"].__setitem__(t, v))
    mutate("sequences not an object", lambda d: d.__setitem__("sequences", [1]))
    mutate("a dangling contact", lambda d: d["contacts"][0].__setitem__("org_id", 999))
    return out


# Values another program could write into a data file: (table, column, SQL value).
FILE_MUTATIONS = [
    ("opportunity", "close_date", "'2026-02-30'"),
    ("opportunity", "close_date", "'0999-01-01'"),
    ("opportunity", "amount", "'abc'"),
    ("opportunity", "amount", "1.5"),
    ("opportunity", "amount", "-5"),
    ("opportunity", "probability", "150"),
    ("opportunity", "currency", "'eur'"),
    ("opportunity", "created_at", "'yesterday'"),
    ("opportunity", "name", "''"),
    ("opportunity", "name", "'esc' || char(27) || '[2J'"),
    ("opportunity", "name", "'bidi' || char(8238)"),
    ("opportunity", "next_step", "''"),
    ("opportunity", "type", "'renewal'"),
    ("organization", "name", "zeroblob(600)"),
    ("organization", "created_at", "'2026-11-16 09:00'"),
    ("contact", "email", "'two' || char(10) || 'lines'"),
    ("quote", "status", "'maybe'"),
    ("opportunity_line", "discount_bp", "20000"),
    ("activity", "due_minute", "5000"),
    ("opportunity_history", "changed_at", "'soon'"),
    ("stage", "probability", "-1"),
    ("meta", "value", "'EURO'"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    parser.add_argument("--every", type=int, default=1,
                        help="try every Nth mutated dump only (the sanitizer build: each process "
                             "starts several times slower there, and the dump fuzzer covers it)")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="funnel-mutated-") as tmp:
        env = dict(os.environ, FUNNEL_DB=os.path.join(tmp, "source.db"), FUNNEL_TODAY="2026-11-16",
                   LANG="C.UTF-8", USER="tester")
        build_file(args.funnel, env)
        dumped = run(args.funnel, ["export", "all"], env)
        dump = json.loads(dumped.stdout)
        if dump["sequences"].get("opportunity_line") != 2:
            failures.append(f"the dump's line sequence is {dump['sequences'].get('opportunity_line')}")

        # The dump restores identically, the sequence of the deleted line included.
        good = os.path.join(tmp, "good.json")
        with open(good, "w") as f:
            f.write(dumped.stdout)
        restored = os.path.join(tmp, "restored.db")
        result = run(args.funnel, ["--db", restored, "import", "all", good], env)
        again = run(args.funnel, ["--db", restored, "export", "all"], env)
        strip = lambda text: [line for line in text.splitlines() if '"exported_at"' not in line]
        if result.returncode != 0 or strip(again.stdout) != strip(dumped.stdout):
            failures.append(f"the dump does not restore identically: {result.stderr.strip()}")
        added = run(args.funnel, ["--db", restored, "-q", "opp", "link", "1", "product", "Seat",
                                  "--qty", "1"], env)
        if added.stdout.strip() != "3":
            failures.append(f"a line added after the restore got id {added.stdout.strip()}, not 3")

        mutated = mutations(dump)[::args.every]
        refused = 0
        for n, (description, document) in enumerate(mutated):
            path = os.path.join(tmp, "mutated.json")
            with open(path, "w") as f:
                json.dump(document, f)
            target = os.path.join(tmp, f"m{n}.db")
            result = run(args.funnel, ["--db", target, "import", "all", path], env, timeout=60)
            lines = result.stderr.strip().splitlines()
            problems = []
            if result.returncode != 2:
                problems.append(f"exit {result.returncode}")
            if len(lines) != 1 or not lines[0].startswith("funnel: ") or len(lines[0]) > 600:
                problems.append(f"stderr {result.stderr[:300]!r}")
            if os.path.exists(target):
                problems.append("the data file was created")
            if problems:
                failures.append(f"{description}: " + "; ".join(problems))
            else:
                refused += 1
        print(f"{refused} of {len(mutated)} mutated dumps refused")

        # The same kind of values written by another program: db check names them.
        caught = 0
        for table, column, value in FILE_MUTATIONS:
            copy_path = os.path.join(tmp, "changed.db")
            shutil.copy(restored, copy_path)
            try:
                with sqlite3.connect(copy_path) as db:
                    where = "key = 'default_currency'" if table == "meta" else \
                        "rowid = (SELECT min(rowid) FROM " + table + ")"
                    db.execute(f"UPDATE {table} SET {column} = {value} WHERE {where}")
            except sqlite3.IntegrityError:
                caught += 1  # the schema's own constraints refuse it
                os.remove(copy_path)
                continue
            result = run(args.funnel, ["--db", copy_path, "db", "check", "--format", "tsv"], env)
            damaged = [line for line in result.stdout.splitlines() if "\tdamaged\t" in line]
            if result.returncode != 1 or not damaged:
                failures.append(f"db check missed {table}.{column} = {value}: exit "
                                f"{result.returncode} {result.stdout.strip()[-200:]}")
            else:
                caught += 1
            os.remove(copy_path)
        print(f"{caught} of {len(FILE_MUTATIONS)} values changed by another program found by db check")
    for failure in failures:
        print("FAILED:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
