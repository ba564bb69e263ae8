#!/usr/bin/env bash
# litmus (Debian package `litmus`, 0.13) against the test account's Documents folder.
# Runs the suites one by one (the Debian `litmus` wrapper just runs
# /usr/libexec/litmus/<suite> --htdocs /usr/share/litmus/htdocs URL USER PASS for each name
# in $TESTS), prints a summary per suite and the failing, skipped and warning lines.
# Counts are per litmus test; a skipped test counts as failed (every test must pass).
#   LITMUS_SUITES   suites to run (default: basic copymove props locks http)
#   LITMUS_TIMEOUT  seconds allowed per suite (default 300)
source "$(dirname "$0")/lib.sh"
interop_init litmus

LITMUS_SUITES=${LITMUS_SUITES:-basic copymove props locks http}
TESTROOT=${TESTROOT:-/usr/libexec/litmus}
HTDOCS=${HTDOCS:-/usr/share/litmus/htdocs}
[[ -x "$TESTROOT/basic" ]] || die "litmus is not installed ($TESTROOT/basic missing; apt-get install litmus)"

start_server

declare -a SUMMARY=()
for suite in $LITMUS_SUITES; do
  workdir="$INTEROP_TMP/litmus-$suite"
  mkdir -p "$workdir"
  out=$(log_file "litmus-$suite.log")
  # litmus writes debug.log (the HTTP traffic) and child.log in its working directory
  (cd "$workdir" && timeout -k 5 "${LITMUS_TIMEOUT:-300}" "$TESTROOT/$suite" --htdocs "$HTDOCS" \
    "$DOCS_URL" "$INTEROP_USER" "$INTEROP_PASSWORD" </dev/null) >"$out" 2>&1
  rc=$?
  cp "$workdir/debug.log" "$(log_file "litmus-$suite-debug.log")" 2>/dev/null

  # When stdout is not a terminal litmus prints each test line twice on one line
  # (" 3. put_get...  3. put_get... pass"); keep the last copy and drop carriage returns.
  clean=$(tr '\r' '\n' <"$out")
  summary=$(grep -E "^<- summary for \`$suite'" <<<"$clean" | tail -n 1)
  if [[ "$summary" =~ of\ ([0-9]+)\ tests\ run:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    run=${BASH_REMATCH[1]} ok=${BASH_REMATCH[2]} ko=${BASH_REMATCH[3]}
  else
    run=0 ok=0 ko=0
  fi
  skipped=0
  if [[ "$clean" =~ -\>\ ([0-9]+)\ tests?\ (was|were)\ skipped ]]; then skipped=${BASH_REMATCH[1]}; fi
  warnings=0
  if [[ "$clean" =~ -\>\ ([0-9]+)\ warnings?\ (was|were)\ issued ]]; then warnings=${BASH_REMATCH[1]}; fi

  INTEROP_PASSED=$((INTEROP_PASSED + ok))
  INTEROP_FAILED=$((INTEROP_FAILED + ko + skipped))
  status=ok
  if [[ -z "$summary" ]]; then
    # the suite did not get to its summary (timeout, crash, connection refused, ...)
    INTEROP_FAILED=$((INTEROP_FAILED + 1))
    status="ABORTED (exit $rc$([[ $rc == 124 || $rc == 137 ]] && echo ', timed out'))"
  elif ((ko > 0 || skipped > 0)); then
    status=FAIL
  fi
  line=$(printf '%-9s %-7s %3s run, %3s passed, %3s failed, %3s skipped, %3s warnings' \
    "$suite" "$status" "$run" "$ok" "$ko" "$skipped" "$warnings")
  SUMMARY+=("$line")
  echo "-- litmus $suite: $status ($ok/$run passed, $ko failed, $skipped skipped, $warnings warnings; log $out)"
  # failing tests, with litmus's message; a test line looks like "12. name....... FAIL (why)"
  # (a message may end on the next line with a lone ")")
  sed -E 's/^ *[0-9]+\. [^ ]+\.* +([0-9]+\. )/\1/' <<<"$clean" |
    awk '/^\)$/ { if (n) lines[n] = lines[n] ")"; next } { lines[++n] = $0 } END { for (i = 1; i <= n; i++) print lines[i] }' |
    grep -E '^ *[0-9]+\. .*(FAIL|SKIPPED|WARNING)|^ +\.\.\.+ (FAIL|SKIPPED)' | sed 's/^/     /'
  if [[ -z "$summary" ]]; then
    echo "     last output:"
    tail -n 8 <<<"$clean" | sed 's/^/       /'
  fi
done

echo
echo "litmus summary ($INTEROP_STORE):"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
if ((INTEROP_FAILED > 0)); then
  echo "HTTP traces of failing suites: $INTEROP_LOG_DIR/litmus-$INTEROP_STORE-litmus-<suite>-debug.log"
  server_log_tail 10 | sed 's/^/  server: /'
fi
finish
