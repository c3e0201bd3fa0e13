#!/usr/bin/env bash
# A small demo pipeline, with close dates relative to today so that it always looks current.
# Uses the data file named by $FUNNEL_DB (or --db).
set -euo pipefail

funnel -q org add "ACME Corporation" --industry Manufacturing --website https://acme.example > /dev/null
funnel -q org add "Globex" --industry Energy > /dev/null
funnel -q org add "Initech" --industry Software > /dev/null
funnel -q org add "Umbrella Health" --industry Healthcare > /dev/null
funnel -q contact add "Ann Lee" --org "ACME Corporation" --title CTO --email ann@acme.example > /dev/null
funnel -q contact add "Hank Scorpio" --org Globex --title CEO > /dev/null
funnel -q contact add "Bill Lumbergh" --org Initech --title "VP Operations" > /dev/null

add() { funnel -q opp add "$@"; }

# Deals that closed in the past were added before they closed: --today dates their creation.
won=$(funnel -q --today=-40d opp add "ACME pilot" --org "ACME Corporation" --contact "Ann Lee" --close +20d --amount 8000 --owner ann --source referral)
funnel -q opp stage "$won" won --on -20d > /dev/null
add "ACME — 50 support seats" --org "ACME Corporation" --contact "Ann Lee" --close eom --amount 42k --stage quote --owner ann --next-step "send revised quote" > /dev/null
add "ACME training" --org "ACME Corporation" --close +6w --amount 6500 --owner ann > /dev/null
add "Globex renewal" --org Globex --contact "Hank Scorpio" --close +3w --amount 120k --stage reneg --owner bob --next-step "legal review" > /dev/null
add "Globex analytics add-on" --org Globex --close +2m --amount 18500 --stage value --owner bob > /dev/null
add "Initech printers" --org Initech --contact "Bill Lumbergh" --close -5d --amount 9999.99 --stage quote --owner carol > /dev/null
lost=$(funnel -q --today=-45d opp add "Initech TPS reports" --org Initech --close +15d --amount 15000 --owner carol)
funnel -q opp stage "$lost" lost --reason "went with a competitor" --on -10d > /dev/null
add "Umbrella clinics" --org "Umbrella Health" --close eoq --amount 75k --currency USD --stage value --owner bob --source "trade show" > /dev/null
add "Umbrella pilot" --org "Umbrella Health" --close +1q --amount 250k --currency USD --owner carol --probability 15 > /dev/null
echo "demo: $(funnel opp list --all -q | wc -l) opportunities in $FUNNEL_DB"
