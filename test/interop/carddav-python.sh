#!/usr/bin/env bash
# A CardDAV client in python with `requests` (Debian python3-requests), speaking the
# protocol itself (the caldav library has no CardDAV): discovery from /.well-known/carddav,
# vCard 3.0 and 4.0 cards with Unicode names, a ~200 kB photo and a contact group,
# addressbook-multiget (also converted to the other vCard version, photo bytes compared),
# addressbook-query on FN and EMAIL with a limit and the 507 truncation, sync-collection
# initial and incremental, If-Match conflicts, extended MKCOL. The scenario is
# carddav_scenario.py; its checks are counted here.
#   CARDDAV_PYTHON  interpreter with the requests module (default /usr/bin/python3: the
#                   Debian one, a pyenv python on PATH would not see python3-requests)
source "$(dirname "$0")/lib.sh"
interop_init carddav-python

PY=${CARDDAV_PYTHON:-/usr/bin/python3}
[[ -x "$PY" ]] || skip_all "$PY not found (install python3-requests)"
"$PY" -c 'import requests' 2>/dev/null || skip_all "python module requests missing for $PY (apt-get install python3-requests)"

start_server

DEBUG_LOG=$(log_file http-exchanges.log)
OUT="$INTEROP_TMP/scenario.out"
note "HTTP exchanges: $DEBUG_LOG"
timeout -k 5 "${CARDDAV_SCENARIO_TIMEOUT:-240}" "$PY" "$INTEROP_DIR/carddav_scenario.py" \
  --url "$BASE_URL/" --user "$INTEROP_USER" --password "$INTEROP_PASSWORD" --log "$DEBUG_LOG" \
  2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}

# fold the scenario's counts into this script's
counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT" | tail -n 1)
if [[ -z "$counts" ]]; then
  fail "carddav_scenario.py ended without a result line (exit status $rc$([[ $rc -eq 124 ]] && echo ", timed out"))"
else
  INTEROP_PASSED=$((INTEROP_PASSED + ${counts%% passed*}))
  f=${counts#*, }
  INTEROP_FAILED=$((INTEROP_FAILED + ${f%% failed}))
  if [[ $rc -ne 0 && ${f%% failed} -eq 0 ]]; then
    fail "carddav_scenario.py exited with status $rc"
  fi
fi
if ((INTEROP_FAILED > 0)); then
  note "server log tail:"
  server_log_tail 15 | sed 's/^/     | /'
fi
finish
