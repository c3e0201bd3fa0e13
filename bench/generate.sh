#!/usr/bin/env bash
# Generates a funnel data file of N opportunities for benchmarks:
#   bench/generate.sh N FILE [HISTORY]
# With HISTORY=10, each deal gets nine changes besides its creation, dated in order before
# 2026-11-16: three stage moves with their probabilities, an amount change, next-step edits,
# and close-date pushes for 40 % of the deals (twice for 15 %).
# funnel creates the file and its schema; the rows are then inserted in bulk by the sqlite3
# shell. Values are spread deterministically (a multiplicative hash of the row number): 80 % of
# deals open, close dates over 24 months around 2026-11-16, amounts from 1,000 to 200,000 in
# EUR (and 10 % in USD), 5 owners, one organization per 20 deals, a 'created' history row each.
set -euo pipefail
count=${1:?usage: generate.sh N FILE [HISTORY]}
file=${2:?usage: generate.sh N FILE [HISTORY]}
history=${3:-1}
funnel=${FUNNEL:-funnel}
rm -f "$file" "$file-wal" "$file-shm"
"$funnel" --db "$file" db info --set-currency EUR > /dev/null 2>&1
sqlite3 "$file" > /dev/null <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < max(1, $count / 20))
INSERT INTO organization (id, name, name_key, created_at, updated_at)
SELECT i, 'Organization ' || i, 'organization ' || i, '2025-01-01T09:00:00', '2025-01-01T09:00:00'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count),
h(i, x) AS (SELECT i, (i * 2654435761) % 4294967296 FROM n),
d(i, x, stage_id) AS (
    SELECT i, x, CASE
        WHEN x % 100 < 30 THEN 1 WHEN x % 100 < 50 THEN 2 WHEN x % 100 < 65 THEN 3
        WHEN x % 100 < 80 THEN 4 WHEN x % 100 < 90 THEN 5 ELSE 6 END
    FROM h)
INSERT INTO opportunity (id, name, org_id, amount, currency, close_date, stage_id, state,
    probability, type, owner, source, created_at, updated_at, stage_changed_at, closed_at)
SELECT d.i, 'Deal ' || d.i, 1 + (d.i - 1) % max(1, $count / 20),
    100000 + (d.x / 7) % 19900001,
    CASE WHEN (d.x / 11) % 10 = 0 THEN 'USD' ELSE 'EUR' END,
    date('2025-11-16', '+' || ((d.x / 13) % 730) || ' days'),
    d.stage_id, s.state, s.probability,
    CASE WHEN (d.x / 17) % 3 = 0 THEN 'existing' ELSE 'new' END,
    'owner' || ((d.x / 19) % 5), CASE (d.x / 23) % 4 WHEN 0 THEN 'web' WHEN 1 THEN 'referral' ELSE NULL END,
    '2025-06-01T09:00:00', '2025-06-01T09:00:00', '2025-06-01T09:00:00',
    CASE WHEN s.state <> 'open' THEN date('2025-11-16', '+' || ((d.x / 13) % 730) || ' days') END
FROM d JOIN stage s ON s.id = d.stage_id;
INSERT INTO opportunity_history (opp_id, changed_at, recorded_at, field, new_value)
SELECT id, created_at, created_at, 'created', name FROM opportunity;
-- Nine changes a deal, dated in order: three stage moves, each with its probability (the
-- last into the deal's current stage), an amount change, next-step edits, and close-date
-- pushes for 40 % of the deals (a second one for 15 %).
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 9),
changes(opp_id, j, field, old_value, new_value) AS (
    SELECT o.id, k.j,
        CASE k.j WHEN 1 THEN 'stage' WHEN 2 THEN 'probability' WHEN 3 THEN 'amount'
                 WHEN 4 THEN 'stage' WHEN 5 THEN 'probability'
                 WHEN 6 THEN CASE WHEN o.id % 5 < 2 THEN 'close_date' ELSE 'next_step' END
                 WHEN 7 THEN 'next_step'
                 WHEN 8 THEN CASE WHEN o.id % 20 < 3 THEN 'close_date' ELSE 'description' END
                 ELSE 'stage' END,
        CASE k.j WHEN 1 THEN '1' WHEN 2 THEN '10'
                 WHEN 3 THEN printf('%d.%02d', (o.amount + 50000) / 100, (o.amount + 50000) % 100)
                 WHEN 4 THEN '2' WHEN 5 THEN '25'
                 WHEN 6 THEN CASE WHEN o.id % 5 < 2 THEN date(o.close_date, CASE WHEN o.id % 20 < 3 THEN '-60 days' ELSE '-30 days' END) END
                 WHEN 7 THEN 'call back'
                 WHEN 8 THEN CASE WHEN o.id % 20 < 3 THEN date(o.close_date, '-30 days') END
                 ELSE '3' END,
        CASE k.j WHEN 1 THEN '2' WHEN 2 THEN '25'
                 WHEN 3 THEN printf('%d.%02d', o.amount / 100, o.amount % 100)
                 WHEN 4 THEN '3' WHEN 5 THEN '50'
                 WHEN 6 THEN CASE WHEN o.id % 5 < 2 THEN CASE WHEN o.id % 20 < 3 THEN date(o.close_date, '-30 days') ELSE o.close_date END ELSE 'call back' END
                 WHEN 7 THEN 'send the quote'
                 WHEN 8 THEN CASE WHEN o.id % 20 < 3 THEN o.close_date ELSE 'notes' END
                 ELSE CAST(o.stage_id AS TEXT) END
    FROM opportunity o, k WHERE $history > 1)
INSERT INTO opportunity_history (opp_id, changed_at, recorded_at, field, old_value, new_value)
SELECT opp_id, moment, moment, field, old_value, new_value
FROM (SELECT *, date('2025-06-01', '+' || (j * 40 + opp_id % 30) || ' days') || 'T10:00:00'
          AS moment FROM changes)
ORDER BY opp_id, j;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "generated $file: $(sqlite3 "$file" 'SELECT count(*) FROM opportunity') opportunities," \
    "$(sqlite3 "$file" 'SELECT count(*) FROM opportunity_history') history rows"
