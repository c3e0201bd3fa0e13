#!/usr/bin/env bash
# Installs what is needed, builds, fills a demo data file and shows the pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh > /dev/null
export PATH="$PWD/build:$PATH"
export FUNNEL_DB="$PWD/build/demo.db"
rm -f "$FUNNEL_DB" "$FUNNEL_DB-wal" "$FUNNEL_DB-shm"
bash examples/demo-pipeline.sh
echo
echo "== Open pipeline (data file: $FUNNEL_DB)"
funnel opp list
echo
echo "== ACME Corporation"
funnel org show "ACME Corporation"
