#!/usr/bin/env bash
# Installs what is needed, builds, fills a demo data file and shows its forecast and pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh > /dev/null
export PATH="$PWD/build:$PATH"
export FUNNEL_DB="$PWD/build/demo.db"
rm -f "$FUNNEL_DB" "$FUNNEL_DB-wal" "$FUNNEL_DB-shm"
bash examples/demo-pipeline.sh
echo
echo "== Forecast (data file: $FUNNEL_DB)"
funnel report forecast
echo
echo "== Pipeline by stage"
funnel report pipeline
echo
echo "== Open deals"
funnel opp list
