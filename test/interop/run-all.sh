#!/usr/bin/env bash
# Runs every interoperability script against the embedded store, then against PostgreSQL
# (a fresh database per script on $INTEROP_DATABASE_URL / $TEST_DATABASE_URL /
# postgres://postgres@127.0.0.1:5432/test). Prints a summary; exits 1 if any failed.
#   INTEROP_SCRIPTS  scripts to run (default: litmus cadaver rclone curl davfs2 caldav-python
#                    vdirsyncer-khal carddav-python vdirsyncer-khard)
#   INTEROP_STORES   stores (default: embedded postgres)
#   INTEROP_SCRIPT_TIMEOUT  seconds per script (default 600)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scripts=${INTEROP_SCRIPTS:-litmus cadaver rclone curl davfs2 caldav-python vdirsyncer-khal carddav-python vdirsyncer-khard}
stores=${INTEROP_STORES:-embedded postgres}
INTEROP_LOG_DIR=${INTEROP_LOG_DIR:-$(mktemp -d /tmp/partage-interop.XXXXXX)}
mkdir -p "$INTEROP_LOG_DIR"
export INTEROP_LOG_DIR
echo "interop logs: $INTEROP_LOG_DIR"

declare -a rows=()
failed=0
for store in $stores; do
  for script in $scripts; do
    echo
    echo "################ $script against the $store store"
    out="$INTEROP_LOG_DIR/$script-$store.out"
    start=$SECONDS
    INTEROP_STORE=$store timeout -k 10 "${INTEROP_SCRIPT_TIMEOUT:-600}" bash "$here/$script.sh" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    took=$((SECONDS - start))
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if grep -q '^SKIP:' "$out"; then
      result="SKIP ($(grep '^SKIP:' "$out" | head -n 1 | cut -c7- | cut -c1-100))"
    elif [[ $rc -eq 0 && -n "$counts" ]]; then
      result="ok"
    else
      failed=1
      if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        result="FAIL (timed out)"
      else
        result="FAIL (exit $rc)"
      fi
    fi
    rows+=("$(printf '%-9s %-15s %-24s %4ss  %s' "$store" "$script" "${counts:-no result line}" "$took" "$result")")
  done
done

echo
echo "################ interop summary"
for row in "${rows[@]}"; do echo "  $row"; done
echo "logs: $INTEROP_LOG_DIR"
if ((failed)); then
  echo "interop: FAILED"
  exit 1
fi
echo "interop: all passed"
