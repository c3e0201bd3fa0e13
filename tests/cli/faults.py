#!/usr/bin/env python3
"""A full disk, a read-only file system, file and folder: a write fails with one line, exit 1,
and the data file stays as it was; reads work wherever SQLite can read.

Needs root (to mount small tmpfs file systems and to run funnel as another user); without it
the test is skipped (exit 77) and says why.
Usage: faults.py --funnel PATH
"""

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SKIP = 77


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Faults:
    def __init__(self, funnel, tmp):
        self.funnel = funnel
        self.tmp = tmp
        self.env = dict(os.environ, FUNNEL_TODAY="2026-11-16", LANG="C.UTF-8", USER="tester")
        self.failures = []

    def run(self, args, user=None):
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if user else []
        return subprocess.run(prefix + [self.funnel] + args, env=self.env, capture_output=True,
                              text=True)

    def expect_refused(self, what, db, args, message, user=None):
        """A write that must fail: exit 1, one line naming the cause, the file unchanged."""
        before = digest(db)
        result = self.run(["--db", db] + args, user)
        lines = result.stderr.strip().splitlines()
        problems = []
        if result.returncode != 1:
            problems.append(f"exit {result.returncode}")
        if len(lines) != 1 or message not in lines[0]:
            problems.append(f"stderr {result.stderr.strip()!r}")
        if digest(db) != before:
            problems.append("the data file changed")
        # Read as immutable: neither a full disk nor a read-only folder stops that.
        check = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.close()
        if integrity != "ok":
            problems.append(f"integrity: {integrity}")
        if problems:
            self.failures.append(f"{what}: " + "; ".join(problems))
        else:
            print(f"{what}: exit 1, {lines[0]}")

    def expect_read(self, what, db, count, user=None):
        result = self.run(["--db", db, "opp", "list", "--all", "-q"], user)
        ids = result.stdout.split()
        if result.returncode != 0 or len(ids) != count:
            self.failures.append(f"{what}: exit {result.returncode}, {len(ids)} deals of {count}: "
                                 f"{result.stderr.strip()}")
        else:
            print(f"{what}: {count} deals read")

    def mount(self, folder, size):
        os.makedirs(folder)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", folder],
                       check=True)

    def seed(self, db, deals, user=None):
        for i in range(deals):
            result = self.run(["--db", db, "-q", "opp", "add", f"Deal {i}", "--org", "ACME",
                               "--close", "2026-12-31", "--amount", "100"], user)
            if result.returncode != 0:
                raise SystemExit(f"seeding {db}: {result.stderr.strip()}")

    def disk_full(self):
        folder = os.path.join(self.tmp, "full")
        self.mount(folder, "1m")
        try:
            db = os.path.join(folder, "funnel.db")
            self.seed(db, 3)
            free = os.statvfs(folder)
            # Room for SQLite to open the file, not for a write of 20 kB.
            room = free.f_bavail * free.f_frsize - 80 * 1024
            with open(os.path.join(folder, "filler"), "wb") as f:
                f.write(b"\0" * max(0, room))
            description = "x" * 30_000
            self.expect_refused("disk full during a write", db,
                                ["opp", "add", "Big", "--org", "ACME", "--close", "eom",
                                 "--description", description], "the disk is full")
            self.expect_read("disk nearly full, a read", db, 3)
            # No room at all: SQLite cannot make the -wal and -shm files that opening takes.
            subprocess.run(["dd", "if=/dev/zero", "of=" + os.path.join(folder, "filler2"),
                            "bs=4k"], capture_output=True)
            self.expect_refused("disk full, a write", db,
                                ["opp", "add", "Small", "--org", "ACME", "--close", "eom"],
                                "disk is full")
        finally:
            subprocess.run(["umount", folder])

    def read_only_file_system(self):
        folder = os.path.join(self.tmp, "ro")
        self.mount(folder, "4m")
        try:
            db = os.path.join(folder, "funnel.db")
            self.seed(db, 2)
            subprocess.run(["mount", "-o", "remount,ro", folder], check=True)
            self.expect_refused("read-only file system, a write", db,
                                ["opp", "add", "X", "--org", "ACME", "--close", "eom"],
                                "Read-only file system")
            self.expect_read("read-only file system, a read", db, 2)
        finally:
            subprocess.run(["umount", folder])

    def read_only_file_and_folder(self):
        folder = os.path.join(self.tmp, "own")
        os.makedirs(folder)
        shutil.chown(folder, "nobody")
        db = os.path.join(folder, "funnel.db")
        self.seed(db, 2, user="nobody")
        os.chmod(db, 0o400)
        self.expect_refused("read-only file, a write", db,
                            ["opp", "add", "X", "--org", "ACME", "--close", "eom"],
                            "Permission denied", user="nobody")
        self.expect_read("read-only file, a read", db, 2, user="nobody")
        os.chmod(db, 0o600)
        os.chmod(folder, 0o555)
        self.expect_refused("read-only folder, a write", db,
                            ["opp", "add", "X", "--org", "ACME", "--close", "eom"],
                            "is not writable", user="nobody")
        self.expect_read("read-only folder, a read", db, 2, user="nobody")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--funnel", required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("skipped: mounting small file systems and running as another user need root")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory(prefix="funnel-faults-") as tmp:
        os.chmod(tmp, 0o755)
        probe = os.path.join(tmp, "probe")
        os.makedirs(probe)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                          capture_output=True).returncode != 0:
            print("skipped: this machine does not let the test mount a tmpfs")
            sys.exit(SKIP)
        subprocess.run(["umount", probe])
        faults = Faults(os.path.abspath(args.funnel), tmp)
        faults.disk_full()
        faults.read_only_file_system()
        faults.read_only_file_and_folder()
    for failure in faults.failures:
        print("FAILED:", failure)
    sys.exit(1 if faults.failures else 0)


if __name__ == "__main__":
    main()
