#!/usr/bin/env bash
# Benchmarks, each side by side with the reference it is judged against:
#   bench/run.sh            every benchmark
#   bench/run.sh foundation start-up and opp add against the sqlite3 shell (with and without a
#                           config file), opp list on 100,000 deals
#   bench/run.sh bulk       opp list --where, opp edit --where and its undo on 100,000 deals
#   bench/run.sh forecast   report forecast on 1,000,000 deals against one sqlite3 aggregate
#   bench/run.sh in         report forecast --in EUR on 1,000,000 deals in three currencies
#   bench/run.sh history    the reports that look back, on 100,000 deals with 1,000,000 changes
#   bench/run.sh transfer   export and import of 1,000,000 deals against the sqlite3 shell
#   bench/run.sh history-import  import history of 1,000,000 snapshots of 100,000 deals
# Needs a Release build in build/ (bash scripts/build.sh), hyperfine, sqlite3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
funnel="$PWD/build/funnel"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
what=${1:-all}

# Peak memory (maximum resident set) of a command, in MiB.
peak_memory() {
    /usr/bin/time -f "%M" "$@" 2>&1 > /dev/null | tail -1 | awk '{ printf "%.1f MiB", $1 / 1024 }'
}

# Runs hyperfine on the commands and prints mean, standard deviation and the ratio to the
# first (the reference).
compare() {
    local title=$1
    shift
    hyperfine --style none --warmup 5 --runs "${RUNS:-60}" -N --export-json "$work/result.json" "$@" > /dev/null
    python3 - "$title" "$work/result.json" "$funnel" "$work" <<'PY'
import json, sys
title, path, funnel, work = sys.argv[1:5]
results = json.load(open(path))["results"]
base = results[0]["mean"]
print(f"\n{title}")
for r in results:
    command = r["command"].replace(funnel, "funnel").replace(work + "/", "")
    print(f"  {r['mean'] * 1000:8.2f} ms ± {r['stddev'] * 1000:5.2f}  ({r['mean'] / base:4.2f}x)  {command[:100]}")
PY
}

# Results kept between runs (the learned rates, backtests) go to a cache of the benchmark's own.
export FUNNEL_CACHE="$work/cache"

# The learned forecast (the default where the history carries it) against the recorded one:
# after a change it reads the history (the cache off stands for that first run), later runs
# read what the first kept.
learned_against_recorded() {
    RUNS=${RUNS:-5} compare "The learned forecast against the recorded one (target: within 2x; the last line is the first run after a change)" \
        "$1 report forecast --method recorded --format csv" \
        "$1 report forecast --method learned --format csv" \
        "$1 report forecast --format csv" \
        "$1 report forecast" \
        "env FUNNEL_CACHE=off $1 report forecast --method learned --format csv"
}

if [[ $what == all || $what == foundation ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 100000 "$work/100k.db"
    db="$work/100k.db"
    # Start-up, and the same insert with a config file setting every key: what each process
    # reads before it starts.
    cat > "$work/config.toml" <<'TOML'
owner = "ann"
currency = "EUR"
format = "table"
color = "never"
pager = false
date_order = "dmy"
week_start = "monday"

[list]
columns = "id,name,org,amount,currency,close_date,stage"
sort = "-amount"
where = "close <= eoq"
TOML
    export FUNNEL_CONFIG=/dev/null
    compare "Start-up: the version (reference: the sqlite3 shell's)" \
        "sqlite3 -version" "$funnel --version"
    compare "One insert by a fresh process, into a data file of 100,000 deals (reference: the sqlite3 shell)" \
        "sqlite3 $db \"INSERT INTO opportunity (name, org_id, amount, currency, close_date, stage_id, state, probability, type, created_at, updated_at, stage_changed_at) VALUES ('Bench deal', 1, 100000, 'EUR', '2026-12-31', 1, 'open', 10, 'new', '2026-11-16T00:00:00', '2026-11-16T00:00:00', '2026-11-16T00:00:00')\"" \
        "$funnel --db $db -q opp add 'Bench deal' --org 'Organization 1' --close 2026-12-31 --amount 1000"
    FUNNEL_CONFIG="$work/config.toml" compare "The same insert with a config file that sets every key (reference: the sqlite3 shell)" \
        "sqlite3 $db \"INSERT INTO opportunity (name, org_id, amount, currency, close_date, stage_id, state, probability, type, created_at, updated_at, stage_changed_at) VALUES ('Bench deal', 1, 100000, 'EUR', '2026-12-31', 1, 'open', 10, 'new', '2026-11-16T00:00:00', '2026-11-16T00:00:00', '2026-11-16T00:00:00')\"" \
        "$funnel --db $db -q opp add 'Bench deal' --org 'Organization 1' --close 2026-12-31 --amount 1000"
    unset FUNNEL_CONFIG
    compare "The first 50 open deals by close date, of 100,000 (target: under 50 ms; reference: the sqlite3 shell)" \
        "sqlite3 $db \"SELECT o.id, o.name, g.name, o.amount, o.currency, o.close_date, s.name, o.probability FROM opportunity o JOIN stage s ON s.id = o.stage_id LEFT JOIN organization g ON g.id = o.org_id WHERE o.state = 'open' ORDER BY o.close_date, o.id LIMIT 50\"" \
        "$funnel --db $db opp list --limit 50"
fi

if [[ $what == all || $what == bulk ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 100000 "$work/bulk.db"
    db="$work/bulk.db"
    export FUNNEL_TODAY=2026-11-16
    where="owner = owner1 and amount >= 100k and stage ~ quote"
    echo "  --where '$where' selects $("$funnel" --db "$db" opp list --all --where "$where" -q | wc -l) deals"
    compare "opp list --where with three conditions, of 100,000 deals (target: under 50 ms; reference: the same with --owner alone)" \
        "$funnel --db $db opp list --owner owner1 --format csv" \
        "$funnel --db $db opp list --where '$where' --format csv"
    # About 10,000 deals, changed in one transaction, each change recorded in the history.
    bulk="owner = owner1 and close < 2027-06-01 and closed is empty"
    echo "  --where '$bulk' selects $("$funnel" --db "$db" opp list --all --where "$bulk" -q | wc -l) deals"
    hyperfine --style none --runs "${RUNS:-5}" -N --export-json "$work/result.json" \
        --prepare "cp $db $work/edit.db" \
        "$funnel --db $work/edit.db opp edit --where '$bulk' --next-step 'Call back' -q" > /dev/null
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\nopp edit --where of those deals (target: under 2 s)\n  %8.1f ms ± %5.1f" % (r["mean"] * 1000, r["stddev"] * 1000))' "$work/result.json"
    printf 'cp %q %q && %q --db %q opp edit --where %q --next-step "Call back" -q > /dev/null\n' \
        "$db" "$work/edit.db" "$funnel" "$work/edit.db" "$bulk" > "$work/edit.sh"
    hyperfine --style none --runs "${RUNS:-5}" -N --export-json "$work/result.json" \
        --prepare "bash $work/edit.sh" "$funnel --db $work/edit.db undo -q" > /dev/null
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\nundo of that edit (target: under 2 s)\n  %8.1f ms ± %5.1f" % (r["mean"] * 1000, r["stddev"] * 1000))' "$work/result.json"
fi

if [[ $what == all || $what == forecast ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 1000000 "$work/1m.db"
    db="$work/1m.db"
    export FUNNEL_TODAY=2026-11-16
    # Every generated close date: 25 months, 800,000 open and 200,000 closed deals.
    reference="SELECT currency, substr(close_date, 1, 7), count(*), sum(amount), sum(amount * probability) FROM opportunity WHERE state = 'open' AND close_date <= '2027-11-30' GROUP BY 1, 2"
    RUNS=${RUNS:-10} compare "Forecast of 1,000,000 deals by month over 25 months (target: under 1 s and within 1.5x of the sqlite3 aggregate)" \
        "sqlite3 $db \"$reference\"" \
        "$funnel --db $db report forecast --method recorded --from 2025-11 --to 2027-11 --format csv" \
        "$funnel --db $db report forecast --method recorded --format csv"
    echo "  peak memory: funnel $(peak_memory "$funnel" --db "$db" report forecast --method recorded --from 2025-11 --to 2027-11 --format csv)," \
        "sqlite3 $(peak_memory sqlite3 "$db" "$reference") (target: under 64 MiB)"
    learned_against_recorded "$funnel --db $db"
fi

if [[ $what == all || $what == in ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 1000000 "$work/in.db"
    db="$work/in.db"
    export FUNNEL_TODAY=2026-11-16
    # Three currencies: 80 % EUR, 10 % USD, 10 % GBP; a rate of each for every day of the two
    # years the close dates span, as the ECB's history gives them.
    sqlite3 "$db" "UPDATE opportunity SET currency = 'GBP' WHERE currency = 'EUR' AND id % 9 = 1"
    python3 - "$work/rates.csv" <<'PY'
import datetime, sys
with open(sys.argv[1], "w") as out:
    out.write("Date,USD,GBP\n")
    day = datetime.date(2025, 11, 1)
    while day <= datetime.date(2027, 11, 30):
        n = day.toordinal() % 97
        out.write(f"{day},{1.05 + n / 10000:.4f},{0.85 + n / 20000:.5f}\n")
        day += datetime.timedelta(days=1)
PY
    "$funnel" --db "$db" -q fx import "$work/rates.csv"
    RUNS=${RUNS:-10} compare "Forecast of 1,000,000 deals in three currencies, with a section in EUR (target: within 1.5x of the same without)" \
        "$funnel --db $db report forecast --method recorded --from 2025-11 --to 2027-11 --format csv" \
        "$funnel --db $db report forecast --method recorded --from 2025-11 --to 2027-11 --format csv --in EUR" \
        "$funnel --db $db report forecast --method recorded --format csv" \
        "$funnel --db $db report forecast --method recorded --format csv --in EUR"
fi

if [[ $what == all || $what == history ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 100000 "$work/history.db" 10
    db="$work/history.db"
    export FUNNEL_TODAY=2026-11-16
    learned_against_recorded "$funnel --db $db"
    echo
    echo "Reports that look back, 100,000 deals and 1,000,000 history rows (target: under 1 s each)"
    for report in "report performance" "report slipped" "report stale" "report conversion" \
        "stage calibrate" "report forecast --as-of 2026-08-16" "report pipeline --as-of 2026-08-16" \
        "report forecast --compare 2026-08-16" "report forecast --as-of 2025-11-16"; do
        hyperfine --style none --warmup 1 --runs "${RUNS:-5}" -N --export-json "$work/result.json" \
            "$funnel --db $db $report --format csv" > /dev/null
        python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("  %8.1f ms ± %5.1f  %s" % (r["mean"] * 1000, r["stddev"] * 1000, sys.argv[2]))' \
            "$work/result.json" "$report"
    done
fi

if [[ $what == all || $what == transfer ]]; then
    FUNNEL="$funnel" bash bench/generate.sh 1000000 "$work/transfer.db"
    db="$work/transfer.db"
    export FUNNEL_TODAY=2026-11-16
    csv="$work/deals.csv"
    "$funnel" --db "$db" export opportunities > "$csv"
    RUNS=${RUNS:-5} compare "Export of 1,000,000 deals (target: at least 500,000 rows/s, 2 s; reference: the sqlite3 shell writing the table as CSV)" \
        "sqlite3 -csv $db \"SELECT * FROM opportunity\"" \
        "$funnel --db $db export opportunities --format csv" \
        "$funnel --db $db export opportunities --format jsonl" \
        "$funnel --db $db export opportunities --format json"
    echo "  peak memory: funnel $(peak_memory "$funnel" --db "$db" export opportunities)," \
        "sqlite3 $(peak_memory sqlite3 -csv "$db" "SELECT * FROM opportunity")"

    # The references: the sqlite3 shell's .import of the file into a bare table, and the same
    # shell making the writes funnel makes (organizations, deals with their indexes, a history
    # row each) with set-based SQL, dropping the indexes and building them again at the end.
    target="$work/imported.db"
    empty="$work/empty.db"
    "$funnel" --db "$empty" db info --set-currency EUR > /dev/null 2>&1
    indexes="SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('opportunity', 'opportunity_history') AND name <> 'opportunity_by_external_id'"
    {
        echo "PRAGMA foreign_keys = ON;"
        echo "PRAGMA cache_size = -16384;"
        echo "BEGIN IMMEDIATE;"
        sqlite3 "$empty" "SELECT 'DROP INDEX ' || name || ';' FROM ($indexes)"
        cat <<SQL
CREATE TEMP TABLE raw (id, name, org, org_id, contact, contact_id, amount, currency, close_date,
    stage, probability, weighted_amount, category, type, next_step, description, owner, source,
    created_at, updated_at, closed_at, lost_reason, external_id);
.import --csv --skip 1 $csv raw
INSERT INTO organization (name, created_at, updated_at)
SELECT DISTINCT org, '2026-11-16T00:00:00', '2026-11-16T00:00:00' FROM raw WHERE org <> '';
INSERT INTO opportunity (name, org_id, amount, currency, close_date, stage_id, state,
    probability, type, next_step, description, owner, source, created_at, updated_at,
    stage_changed_at, closed_at, lost_reason, external_id)
SELECT r.name, g.id, CAST(round(r.amount * 100) AS INTEGER), r.currency, r.close_date, s.id,
    s.state, r.probability, r.type, nullif(r.next_step, ''), nullif(r.description, ''),
    nullif(r.owner, ''), nullif(r.source, ''), r.created_at, r.updated_at, r.created_at,
    nullif(r.closed_at, ''), nullif(r.lost_reason, ''), nullif(r.external_id, '')
FROM raw r JOIN organization g ON g.name = r.org JOIN stage s ON s.name = r.stage;
INSERT INTO opportunity_history (opp_id, changed_at, field, new_value, note)
SELECT id, created_at, 'created', name, 'imported' FROM opportunity;
SQL
        sqlite3 "$empty" "SELECT sql || ';' FROM ($indexes)"
        echo "COMMIT;"
    } > "$work/set-based.sql"
    fresh="rm -f $target $target-wal $target-shm"
    hyperfine --style none --warmup 0 --runs "${RUNS:-3}" -N --export-json "$work/result.json" \
        --prepare "$fresh" "sqlite3 $target \".import --csv $csv deals\"" \
        --prepare "bash -c '$fresh && cp $empty $target'" "sqlite3 $target \".read $work/set-based.sql\"" \
        --prepare "$fresh" "$funnel --db $target -q import opportunities $csv" > /dev/null
    python3 - "$work/result.json" "$funnel" "$work" <<'PY'
import json, sys
path, funnel, work = sys.argv[1:4]
results = json.load(open(path))["results"]
base = results[0]["mean"]
print("\nImport of 1,000,000 generated deals from CSV into a new file (target: at least 250,000 rows/s and within 2x of .import)")
for r in results:
    command = r["command"].replace(funnel, "funnel").replace(work + "/", "")
    print(f"  {r['mean']:7.2f} s ± {r['stddev']:5.2f}  ({r['mean'] / base:4.2f}x, {1e6 / r['mean']:9,.0f} rows/s)  {command[:100]}")
PY
    rm -f "$target" "$target-wal" "$target-shm"
    echo "  peak memory: funnel $(peak_memory "$funnel" --db "$target" -q import opportunities "$csv") (target: under 64 MiB)"
fi

if [[ $what == all || $what == history-import ]]; then
    # 100,000 deals keyed as another CRM keys them (X1, X2, ...), and a history file of ten
    # snapshots each, in the OpportunityHistory export's columns, rows in no particular order
    # of deal (as the export writes them: by the moment each was recorded).
    db="$work/history-import.db"
    FUNNEL="$funnel" bash bench/generate.sh 100000 "$db"
    sqlite3 "$db" "UPDATE opportunity SET external_id = 'X' || id"
    csv="$work/OpportunityHistory.csv"
    sqlite3 -csv -header "$db" > "$csv" <<'SQL'
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 10)
SELECT printf('008%012d', o.id * 10 + k.j) AS Id, o.external_id AS OpportunityId,
    strftime('%Y-%m-%dT%H:%M:%S.000Z', '2025-01-01', '+' || (k.j * 30 + o.id % 29) || ' days',
             '+' || (o.id % 86400) || ' seconds') AS CreatedDate,
    CASE WHEN k.j < 4 THEN 'Prospecting' WHEN k.j < 7 THEN 'Value Proposition'
         WHEN k.j < 10 THEN 'Proposal/Price Quote' ELSE s.name END AS StageName,
    (o.amount + (10 - k.j) * 1000) / 100.0 AS Amount,
    date(o.close_date, '+' || ((10 - k.j) * 7) || ' days') AS CloseDate,
    CASE WHEN k.j < 10 THEN 10 * k.j ELSE o.probability END AS Probability,
    'Pipeline' AS ForecastCategory, o.currency AS CurrencyIsoCode, 'false' AS IsDeleted
FROM opportunity o JOIN stage s ON s.id = o.stage_id CROSS JOIN k
ORDER BY CreatedDate, o.id;
SQL
    rows=$(($(wc -l < "$csv") - 1))
    cp "$db" "$work/pristine.db"
    restore="cp $work/pristine.db $db"
    hyperfine --style none --warmup 0 --runs "${RUNS:-3}" -N --export-json "$work/result.json" \
        --prepare "$restore" \
        "$funnel --db $db -q import history $csv --preset salesforce --stage-map closed-won=closed-won --stage-map closed-lost=closed-lost --stage-map renegotiation=renegotiation" > /dev/null
    python3 - "$work/result.json" "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
rows = int(sys.argv[2])
print(f"\nimport history of {rows:,} snapshots of 100,000 deals (target: under 60 s and 64 MiB)")
print(f"  {r['mean']:7.2f} s ± {r['stddev'] or 0:5.2f}  ({rows / r['mean']:9,.0f} rows/s)")
PY
    $restore
    echo "  peak memory: $(peak_memory "$funnel" --db "$db" -q import history "$csv" --preset salesforce --stage-map closed-won=closed-won --stage-map closed-lost=closed-lost --stage-map renegotiation=renegotiation) (target: under 64 MiB)"
fi
