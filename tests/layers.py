#!/usr/bin/env python3
"""The layers of docs/architecture.md, checked on every include: a file may include the headers
of its own layer and of the layers below it, never above.

    cli -> reports -> formats -> store -> domain; system and funnel/error.hpp, funnel/version.hpp
    below them all.

Also: only the store includes SQLite; CLI11 is included
only where the command tree is made CLI11's (app.cpp, parser.hpp), walked for completion
(complete.cpp) and by the man page tool: the
command groups define their commands through command.hpp, so that CLI11 is compiled once.

And no source file (include/, src/, tests/, fuzz/, bench/) over 600 lines: a file that grows
past it holds more than one concern and is split.

Usage: layers.py SOURCE_DIR
"""

import os
import re
import sys

ORDER = ["system", "domain", "store", "formats", "reports", "cli"]
TOP = {"funnel/error.hpp", "funnel/version.hpp"}
MAX_LINES = 600
CLI11_FILES = ("src/cli/app.cpp", "src/cli/complete.cpp", "src/cli/parser.hpp", "src/cli/man.cpp")


def layer_of(path):
    parts = path.split(os.sep)
    if parts[0] == "src" and parts[1] == "cli":
        return "cli"
    if parts[0] == "src" and parts[1] == "core":
        return parts[2] if len(parts) > 3 else None
    if parts[0] == "include" and parts[1] == "funnel":
        return parts[2] if len(parts) > 3 else "system"
    return None


def main():
    root = sys.argv[1]
    problems = []
    for top in ("include", "src"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.relpath(os.path.join(folder, name), root)
                layer = layer_of(path)
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    lines = f.read().split("\n")
                if layer is None:
                    problems.append(f"{path}: in no layer")
                    continue
                for number, line in enumerate(lines, 1):
                    m = re.match(r'#include [<"]([^>"]+)[>"]', line)
                    if not m:
                        continue
                    header = m.group(1)
                    where = f"{path}:{number}: includes {header}"
                    if header.startswith("funnel/") and header not in TOP:
                        used = header.split("/")[1]
                        if used not in ORDER:
                            problems.append(f"{where}, which is in no layer")
                        elif ORDER.index(used) > ORDER.index(layer):
                            problems.append(f"{where}: {layer} may not use {used}")
                    if re.match(r"(sqlite3\.h|SQLiteCpp/)", header) and layer != "store":
                        problems.append(f"{where}: only the store speaks SQL")
                    if header.startswith("CLI/") and path not in CLI11_FILES:
                        problems.append(f"{where}: only {', '.join(CLI11_FILES)} use CLI11")
    for top in ("include", "src", "tests", "fuzz", "bench"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp", ".py", ".sh")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    count = sum(1 for _ in f)
                if count > MAX_LINES:
                    problems.append(
                        f"{os.path.relpath(path, root)}: {count} lines, over {MAX_LINES}: split it"
                    )
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
