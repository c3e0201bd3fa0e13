#!/usr/bin/env bash
# Mails the forecast, as a text and an html version, to ADDRESS through sendmail.
#
#   weekly-forecast.sh ADDRESS [REPORT OPTIONS...]
#
# Every Monday at 07:00, from `crontab -e` (cron runs with a short PATH: name the data file):
#
#   0 7 * * 1  FUNNEL_DB=$HOME/.local/share/funnel/funnel.db /usr/local/share/funnel/weekly-forecast.sh sales@example.com --by month
#
# FUNNEL (default: funnel) and SENDMAIL (default: /usr/sbin/sendmail) can point elsewhere.
set -euo pipefail
to=${1:?usage: weekly-forecast.sh ADDRESS [REPORT OPTIONS...]}
shift
message=$(mktemp)
trap 'rm -f "$message"' EXIT
# Written to a file first, so that a failing report sends nothing.
"${FUNNEL:-funnel}" report forecast --mime --mail-to "$to" \
    --subject "Forecast for the week of $(date +%Y-%m-%d)" "$@" > "$message"
"${SENDMAIL:-/usr/sbin/sendmail}" -t < "$message"
