#!/usr/bin/env bash
# The python `caldav` library (Debian python3-caldav) as a real CalDAV client: discovery
# from the bare server URL, calendars, MKCALENDAR, events (recurring with EXDATE and an
# overridden instance, all-day, a TZID across DST), time-range searches with and without
# expansion checked against expectations computed in the script, todos, a journal, edit,
# delete and sync tokens. The scenario is caldav_scenario.py; its checks are counted here.
#   CALDAV_PYTHON   interpreter with the caldav module (default /usr/bin/python3: the
#                   Debian one, a pyenv python on PATH would not see python3-caldav)
source "$(dirname "$0")/lib.sh"
interop_init caldav-python

PY=${CALDAV_PYTHON:-/usr/bin/python3}
[[ -x "$PY" ]] || skip_all "$PY not found (install python3-caldav)"
"$PY" -c 'import caldav, icalendar, dateutil' 2>/dev/null || skip_all "python module caldav missing for $PY (apt-get install python3-caldav)"

start_server

DEBUG_LOG=$(log_file caldav-debug.log)
OUT="$INTEROP_TMP/scenario.out"
note "caldav library debug log: $DEBUG_LOG"
timeout -k 5 "${CALDAV_SCENARIO_TIMEOUT:-240}" "$PY" "$INTEROP_DIR/caldav_scenario.py" \
  --url "$BASE_URL/" --user "$INTEROP_USER" --password "$INTEROP_PASSWORD" --log "$DEBUG_LOG" \
  2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}

# fold the scenario's counts into this script's
counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT" | tail -n 1)
if [[ -z "$counts" ]]; then
  fail "caldav_scenario.py ended without a result line (exit status $rc$([[ $rc -eq 124 ]] && echo ", timed out"))"
else
  INTEROP_PASSED=$((INTEROP_PASSED + ${counts%% passed*}))
  f=${counts#*, }
  INTEROP_FAILED=$((INTEROP_FAILED + ${f%% failed}))
  if [[ $rc -ne 0 && ${f%% failed} -eq 0 ]]; then
    fail "caldav_scenario.py exited with status $rc"
  fi
fi
if ((INTEROP_FAILED > 0)); then
  note "server log tail:"
  server_log_tail 15 | sed 's/^/     | /'
fi
finish
