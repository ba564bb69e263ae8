#!/usr/bin/env bash
# vdirsyncer two-way sync between the account's calendars and a local vdir, with khal
# reading and writing the local side (Debian vdirsyncer and khal):
#  - discover (collections from both sides, answered non-interactively) and a first sync
#    that brings down a plain event and a weekly one put on the server with curl
#  - khal lists them (the weekly one expanded by khal); a second sync changes nothing
#  - `khal new` creates an event locally; after a sync it is on the server (REPORT, GET)
#  - the event is changed on the server (curl PUT with If-Match); after a sync khal shows
#    the new summary
#  - a todo put in Tasks on the server reaches the local Tasks vdir
#  - the event is deleted locally; after a sync it is gone from the server
# vdirsyncer runs with -vdebug; its logs are kept in INTEROP_LOG_DIR.
source "$(dirname "$0")/lib.sh"
interop_init vdirsyncer-khal

command -v vdirsyncer >/dev/null || skip_all "vdirsyncer not installed (apt-get install vdirsyncer)"
command -v khal >/dev/null || skip_all "khal not installed (apt-get install khal)"

start_server

T="$INTEROP_TMP"
HOME_PATH="/webdav/$INTEROP_USER/"
HOME_URL="$BASE_URL$HOME_PATH"
CAL_URL="${HOME_URL}Calendar/"
LOCAL="$T/vdir"
VLOG=$(log_file vdirsyncer.log)
mkdir -p "$LOCAL" "$T/status" "$T/khal"

# vdirsyncer and khal must not read the invoking user's configuration or state
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share"
mkdir -p "$HOME"
export VDIRSYNCER_CONFIG="$T/vdirsyncer.conf"
cat >"$VDIRSYNCER_CONFIG" <<CONF
[general]
status_path = "$T/status/"

[pair partage]
a = "partage_remote"
b = "partage_local"
collections = ["from a", "from b"]
conflict_resolution = "a wins"

[storage partage_remote]
type = "caldav"
url = "$HOME_URL"
username = "$INTEROP_USER"
password = "$INTEROP_PASSWORD"

[storage partage_local]
type = "filesystem"
path = "$LOCAL/"
fileext = ".ics"
CONF

KHAL_CONF="$T/khal.conf"
cat >"$KHAL_CONF" <<CONF
[calendars]
[[partage]]
path = $LOCAL/Calendar/
type = calendar

[sqlite]
path = $T/khal/khal.db

[locale]
local_timezone = Europe/Paris
default_timezone = Europe/Paris
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
firstweekday = 0

[default]
default_calendar = partage
CONF

# vds <label> <args...>: vdirsyncer with a time limit, debug output appended to $VLOG;
# the last run's output is in $T/vds.out, its status in $VDS_RC
VDS_RC=0
vds() {
  local label=$1
  shift
  echo "==== vdirsyncer $* ($label)" >>"$VLOG"
  yes 2>/dev/null | timeout -k 5 120 vdirsyncer -vdebug "$@" >"$T/vds.out" 2>&1
  VDS_RC=${PIPESTATUS[1]}
  cat "$T/vds.out" >>"$VLOG"
}
# the lines of the last vdirsyncer run that matter for a failure report
vds_report() {
  grep -E 'error|Error|warning|HTTP|[45][0-9][0-9] |Copying|Updating|Deleting|Traceback' "$T/vds.out" | grep -v '^debug: ' | tail -n 25 | sed 's/^/     | /'
  grep -E '^debug: .*(Response|status|[45][0-9][0-9])' "$T/vds.out" | tail -n 10 | sed 's/^/     | /'
}
vds_ok() {
  if [[ $VDS_RC -eq 0 ]]; then
    pass "$1"
  else
    fail "$1 (exit status $VDS_RC; log $VLOG)"
    vds_report
  fi
}

khl() { timeout -k 5 60 khal -c "$KHAL_CONF" "$@" 2>&1; }

# put_ics <url> <file> [etag] : PUT text/calendar, prints the status
put_ics() {
  local extra=()
  [[ -n "${3:-}" ]] && extra=(-H "If-Match: $3")
  http_status -X PUT -H 'Content-Type: text/calendar; charset=utf-8' "${extra[@]}" --data-binary @"$2" "$1"
}
etag_of() {
  dav_curl -sS -I "$1" 2>/dev/null | grep -i '^etag:' | cut -d: -f2- | sed -e 's/^ *//' -e 's/\r$//'
}
# report_summary <calendar url> <text> : hrefs of objects whose SUMMARY contains text
report_summary() {
  dav_curl -X REPORT -H 'Depth: 1' -H 'Content-Type: application/xml; charset=utf-8' --data-binary "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">
    <C:prop-filter name=\"SUMMARY\"><C:text-match collation=\"i;unicode-casemap\">$2</C:text-match></C:prop-filter>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>" "$1" | grep -o '<D:href>[^<]*</D:href>' | sed -e 's/<D:href>//' -e 's/<\/D:href>//'
}

crlf() { sed 's/$/\r/'; }

# ------------------------------------------------------------ server-side seed
echo "-- seed the server"
crlf >"$T/seed.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Partage interop//curl//EN
BEGIN:VEVENT
UID:seed-plain@interop
DTSTAMP:20240101T000000Z
DTSTART:20300114T090000Z
DTEND:20300114T100000Z
SUMMARY:Seeded on the server
END:VEVENT
END:VCALENDAR
ICS
expect_eq "PUT a plain event into Calendar" 201 "$(put_ics "${CAL_URL}seed-plain.ics" "$T/seed.ics")"
crlf >"$T/weekly.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Partage interop//curl//EN
BEGIN:VEVENT
UID:seed-weekly@interop
DTSTAMP:20240101T000000Z
DTSTART:20300107T070000Z
DTEND:20300107T073000Z
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE:20300121T070000Z
SUMMARY:Weekly seeded
END:VEVENT
END:VCALENDAR
ICS
expect_eq "PUT a weekly event (4 times, one EXDATE) into Calendar" 201 "$(put_ics "${CAL_URL}seed-weekly.ics" "$T/weekly.ics")"

# ------------------------------------------------------------ discover + first sync
echo "-- vdirsyncer discover and sync"
vds discover discover
vds_ok "vdirsyncer discover"
for c in Calendar Tasks Notes; do
  check "discover created the local collection $c/" test -d "$LOCAL/$c"
done
vds sync sync
vds_ok "vdirsyncer sync (first)"
n=$(grep -l 'seed-plain@interop' "$LOCAL/Calendar/"*.ics 2>/dev/null | wc -l)
expect_eq "the plain event reached the local vdir" 1 "$n"
n=$(grep -l 'seed-weekly@interop' "$LOCAL/Calendar/"*.ics 2>/dev/null | wc -l)
expect_eq "the weekly event reached the local vdir" 1 "$n"

out=$(khl list 2030-01-01 2030-02-01)
expect_match "khal list shows the plain event" 'Seeded on the server' "$out"
# weekly from 2030-01-07 08:00 Paris, 4 times, 2030-01-21 excluded: 3 instances
expect_eq "khal list shows the 3 instances of the weekly event" 3 "$(grep -c 'Weekly seeded' <<<"$out")"
expect_match "khal shows the plain event at 10:00 Paris time" '10:00-11:00 Seeded on the server' "$out"

vds "second sync, nothing changed" sync
vds_ok "vdirsyncer sync (no changes)"
if grep -Eq 'Copying|Updating|Deleting' "$T/vds.out"; then
  fail "a sync without changes transferred something"
  vds_report
else
  pass "a sync without changes transfers nothing"
fi

# ------------------------------------------------------------ khal new -> server
echo "-- khal new, then sync up"
out=$(khl new -a partage 2030-01-15 10:00 11:00 "Khal interop event")
note "khal new: $(head -c 200 <<<"$out")"
f=$(grep -l 'SUMMARY:Khal interop event' "$LOCAL/Calendar/"*.ics 2>/dev/null | head -n 1)
check "khal new wrote an .ics into the local vdir" test -n "$f"
uid=$( [[ -n "$f" ]] && grep -m1 '^UID:' "$f" | cut -d: -f2- | tr -d '\r')
vds "sync after khal new" sync
vds_ok "vdirsyncer sync (upload the khal event)"
hrefs=$(report_summary "$CAL_URL" "Khal interop event")
expect_eq "calendar-query finds the khal event on the server once" 1 "$(grep -c . <<<"$hrefs")"
href=$(head -n 1 <<<"$hrefs")
[[ -n "$href" ]] || href="${CAL_URL#"$BASE_URL"}missing-khal-event.ics" # keep the checks below meaningful
body=$(dav_curl "$BASE_URL$href" 2>/dev/null)
expect_match "GET of the khal event on the server: same UID" "UID:${uid:-none}" "$body"
expect_match "the khal event is stored in Europe/Paris" 'DTSTART;([A-Z-]+=[^;:]*;)*TZID=Europe/Paris(;[^:]*)?:20300115T100000' "$body"

# ------------------------------------------------------------ server change -> khal
echo "-- change on the server, then sync down"
etag=$(etag_of "$BASE_URL$href")
check "the khal event has an ETag on the server" test -n "$etag"
printf '%s' "$body" | sed 's/^SUMMARY:Khal interop event/SUMMARY:Khal event changed on the server/' >"$T/changed.ics"
expect_eq "curl PUT with If-Match changes the event" 204 "$(put_ics "$BASE_URL$href" "$T/changed.ics" "$etag")"
vds "sync after the server change" sync
vds_ok "vdirsyncer sync (download the change)"
out=$(khl list 2030-01-15 2030-01-16)
expect_match "khal list shows the summary changed on the server" '10:00-11:00 Khal event changed on the server' "$out"
if grep -q 'Khal interop event' <<<"$out"; then fail "khal still shows the old summary: $out"; else pass "khal no longer shows the old summary"; fi

# ------------------------------------------------------------ a todo in Tasks
echo "-- a todo on the server reaches the local Tasks"
crlf >"$T/todo.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Partage interop//curl//EN
BEGIN:VTODO
UID:todo-interop@interop
DTSTAMP:20240101T000000Z
DUE:20300120T170000Z
SUMMARY:Todo from the server
END:VTODO
END:VCALENDAR
ICS
expect_eq "PUT a todo into Tasks" 201 "$(put_ics "${HOME_URL}Tasks/todo-interop.ics" "$T/todo.ics")"
vds "sync the todo" sync
vds_ok "vdirsyncer sync (todo)"
n=$(grep -l 'SUMMARY:Todo from the server' "$LOCAL/Tasks/"*.ics 2>/dev/null | wc -l)
expect_eq "the todo reached the local Tasks vdir" 1 "$n"

# ------------------------------------------------------------ local delete -> server
echo "-- delete locally, then sync"
f=$(grep -l 'Khal event changed on the server' "$LOCAL/Calendar/"*.ics 2>/dev/null | head -n 1)
if [[ -n "$f" ]]; then
  rm -f "$f"
  pass "the event deleted from the local vdir"
else
  fail "the changed event is not in the local vdir"
fi
out=$(khl list 2030-01-15 2030-01-16)
if grep -q 'Khal event changed' <<<"$out"; then fail "khal still lists the deleted event"; else pass "khal no longer lists the deleted event"; fi
vds "sync after the local delete" sync
vds_ok "vdirsyncer sync (propagate the delete)"
expect_eq "GET of the deleted event on the server: 404" 404 "$(http_status "$BASE_URL$href")"
expect_eq "calendar-query no longer finds it" 0 "$(report_summary "$CAL_URL" "Khal event changed" | grep -c .)"
expect_eq "the plain seeded event is still on the server" 200 "$(http_status "${CAL_URL}seed-plain.ics")"

vds "final sync" sync
vds_ok "vdirsyncer sync (final, nothing to do)"
if grep -Eq 'Copying|Updating|Deleting' "$T/vds.out"; then
  fail "the final sync transferred something"
  vds_report
else
  pass "the final sync transfers nothing"
fi

if ((INTEROP_FAILED > 0)); then
  note "vdirsyncer debug log: $VLOG"
  note "server log tail:"
  server_log_tail 15 | sed 's/^/     | /'
fi
finish
