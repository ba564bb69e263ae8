#!/usr/bin/env bash
# vdirsyncer two-way sync between the account's address books and a local vdir, with
# khard reading and editing the local side (Debian vdirsyncer and khard):
#  - discover (collections from both sides, answered non-interactively) and a first sync
#    that brings down a vCard 3.0 and a vCard 4.0 card put on the server with curl
#  - khard lists them; a second sync changes nothing
#  - `khard new` (a YAML template, non-interactive) creates a contact locally; after a
#    sync it is on the server (addressbook-query on FN, GET)
#  - the contact is changed on the server (curl PUT with If-Match); after a sync khard
#    list / show show the change
#  - the contact is changed locally with `khard edit -i` (confirmed on stdin); after a
#    sync the server has the change (GET, addressbook-query on EMAIL)
#  - the contact is removed with `khard remove --force`; after a sync it is gone from the
#    server
# vdirsyncer runs with -vdebug; its logs are kept in INTEROP_LOG_DIR.
source "$(dirname "$0")/lib.sh"
interop_init vdirsyncer-khard

command -v vdirsyncer >/dev/null || skip_all "vdirsyncer not installed (apt-get install vdirsyncer)"
command -v khard >/dev/null || skip_all "khard not installed (apt-get install khard)"

start_server

T="$INTEROP_TMP"
HOME_PATH="/webdav/$INTEROP_USER/"
HOME_URL="$BASE_URL$HOME_PATH"
BOOK_URL="${HOME_URL}Contacts/"
LOCAL="$T/vdir"
VLOG=$(log_file vdirsyncer.log)
mkdir -p "$LOCAL" "$T/status"

# vdirsyncer and khard must not read the invoking user's configuration or state
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share"
mkdir -p "$HOME"
export EDITOR=/bin/false VISUAL=/bin/false
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
type = "carddav"
url = "$HOME_URL"
username = "$INTEROP_USER"
password = "$INTEROP_PASSWORD"

[storage partage_local]
type = "filesystem"
path = "$LOCAL/"
fileext = ".vcf"
CONF

KHARD_CONF="$T/khard.conf"
cat >"$KHARD_CONF" <<CONF
[addressbooks]
[[partage]]
path = $LOCAL/Contacts/

[general]
debug = no
default_action = list
editor = /bin/false
merge_editor = /bin/false

[contact table]
display = formatted_name
group_by_addressbook = no
reverse = no
show_nicknames = no
show_uids = no
sort = last_name
localize_dates = no
preferred_phone_number_type = pref, cell, home
preferred_email_address_type = pref, work, home

[vcard]
private_objects = Jabber,
preferred_version = 3.0
search_in_source_files = no
skip_unparsable = no
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
vds_quiet() {
  if grep -Eq 'Copying|Updating|Deleting' "$T/vds.out"; then
    fail "$1 transferred something"
    vds_report
  else
    pass "$1 transfers nothing"
  fi
}

# khard with a time limit; stdin is empty unless given (it asks for confirmations)
khd() { timeout -k 5 60 khard -c "$KHARD_CONF" "$@" 2>&1 </dev/null; }

# put_vcf <url> <file> [etag] : PUT text/vcard, prints the status
put_vcf() {
  local extra=()
  [[ -n "${3:-}" ]] && extra=(-H "If-Match: $3")
  http_status -X PUT -H 'Content-Type: text/vcard; charset=utf-8' "${extra[@]}" --data-binary @"$2" "$1"
}
etag_of() {
  dav_curl -sS -I "$1" 2>/dev/null | grep -i '^etag:' | cut -d: -f2- | sed -e 's/^ *//' -e 's/\r$//'
}
# query_hrefs <book url> <property> <match-type> <text> : hrefs of the cards that match
query_hrefs() {
  dav_curl -X REPORT -H 'Depth: 1' -H 'Content-Type: application/xml; charset=utf-8' --data-binary "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<CR:addressbook-query xmlns:D=\"DAV:\" xmlns:CR=\"urn:ietf:params:xml:ns:carddav\">
  <D:prop><D:getetag/></D:prop>
  <CR:filter><CR:prop-filter name=\"$2\">
    <CR:text-match collation=\"i;unicode-casemap\" match-type=\"$3\">$4</CR:text-match>
  </CR:prop-filter></CR:filter>
</CR:addressbook-query>" "$1" | grep -o '<D:href>[^<]*</D:href>' | sed -e 's/<D:href>//' -e 's/<\/D:href>//'
}
unfold() { tr -d '\r' | sed -e ':a' -e '$!N' -e 's/\n[ \t]//' -e 'ta' -e 'P' -e 'D'; }

crlf() { sed 's/$/\r/'; }

# ------------------------------------------------------------ server-side seed
echo "-- seed the server"
crlf >"$T/seed3.vcf" <<VCF
BEGIN:VCARD
VERSION:3.0
UID:seed-v3@interop
FN:Seeded Person
N:Person;Seeded;;;
EMAIL;TYPE=INTERNET:seeded@example.test
TEL;TYPE=WORK:+33 1 23 45 67 89
END:VCARD
VCF
expect_eq "PUT a vCard 3.0 card into Contacts" 201 "$(put_vcf "${BOOK_URL}seed-v3.vcf" "$T/seed3.vcf")"
crlf >"$T/seed4.vcf" <<VCF
BEGIN:VCARD
VERSION:4.0
UID:urn:uuid:5eed0004-0000-4000-8000-000000000004
FN:Zoë Quatre-Ångström
N:Quatre-Ångström;Zoë;;;
EMAIL;TYPE=home:zoe4@example.test
END:VCARD
VCF
expect_eq "PUT a vCard 4.0 card with a Unicode name into Contacts" 201 "$(put_vcf "${BOOK_URL}seed-v4.vcf" "$T/seed4.vcf")"

# ------------------------------------------------------------ discover + first sync
echo "-- vdirsyncer discover and sync"
vds discover discover
vds_ok "vdirsyncer discover"
check "discover created the local collection Contacts/" test -d "$LOCAL/Contacts"
vds sync sync
vds_ok "vdirsyncer sync (first)"
n=$(grep -l 'seed-v3@interop' "$LOCAL/Contacts/"*.vcf 2>/dev/null | wc -l)
expect_eq "the vCard 3.0 card reached the local vdir" 1 "$n"
n=$(grep -l 'UID:urn:uuid:5eed0004' "$LOCAL/Contacts/"*.vcf 2>/dev/null | wc -l)
expect_eq "the vCard 4.0 card reached the local vdir" 1 "$n"

out=$(khd list)
expect_match "khard list shows the 3.0 card" 'Seeded Person' "$out"
expect_match "khard list shows the 4.0 card with its Unicode name" 'Zoë Quatre-Ångström' "$out"
out=$(khd show 'Seeded Person')
expect_match "khard show: the seeded card's e-mail" 'seeded@example\.test' "$out"

vds "second sync, nothing changed" sync
vds_ok "vdirsyncer sync (no changes)"
vds_quiet "a sync without changes"

# ------------------------------------------------------------ khard new -> server
echo "-- khard new, then sync up"
cat >"$T/new.yaml" <<'YAML'
First name : Élodie
Last name : Khard-Interop
Formatted name : Élodie Khard-Interop
Organisation : Partage Test
Email :
    work : elodie.khard@example.test
Phone :
    cell : +33 6 12 34 56 78
Note : created by khard
YAML
out=$(khd new --vcard-version 3.0 -a partage -i "$T/new.yaml")
note "khard new: $(head -n 1 <<<"$out")"
f=$(grep -l 'FN:Élodie Khard-Interop' "$LOCAL/Contacts/"*.vcf 2>/dev/null | head -n 1)
check "khard new wrote a .vcf into the local vdir" test -n "$f"
uid=$([[ -n "$f" ]] && unfold <"$f" | grep -m1 '^UID:' | cut -d: -f2-)
vds "sync after khard new" sync
vds_ok "vdirsyncer sync (upload the khard contact)"
hrefs=$(query_hrefs "$BOOK_URL" FN contains "élodie khard")
expect_eq "addressbook-query (FN contains, case-insensitive) finds the khard contact once" 1 "$(grep -c . <<<"$hrefs")"
href=$(head -n 1 <<<"$hrefs")
[[ -n "$href" ]] || href="${BOOK_URL#"$BASE_URL"}missing-khard-contact.vcf" # keep the checks below meaningful
body=$(dav_curl "$BASE_URL$href" 2>/dev/null | unfold)
expect_match "GET of the khard contact on the server: same UID" "UID:${uid:-none}" "$body"
expect_match "GET of the khard contact: the e-mail" 'EMAIL[^:]*:elodie\.khard@example\.test' "$body"
expect_match "GET of the khard contact: vCard 3.0 as khard wrote it" 'VERSION:3\.0' "$body"

# ------------------------------------------------------------ server change -> khard
echo "-- change on the server, then sync down"
etag=$(etag_of "$BASE_URL$href")
check "the khard contact has an ETag on the server" test -n "$etag"
printf '%s\n' "$body" | sed -e 's/^NOTE:.*/NOTE:changed on the server/' -e 's/^ORG:.*/ORG:Partage Serveur/' | crlf >"$T/changed.vcf"
expect_eq "curl PUT with If-Match changes the contact" 204 "$(put_vcf "$BASE_URL$href" "$T/changed.vcf" "$etag")"
vds "sync after the server change" sync
vds_ok "vdirsyncer sync (download the change)"
out=$(khd show "uid:${uid:-none}")
expect_match "khard show: the note changed on the server" 'changed on the server' "$out"
expect_match "khard show: the organisation changed on the server" 'Partage Serveur' "$out"
out=$(khd list Khard)
expect_match "khard list still finds the contact" 'Élodie Khard-Interop' "$out"

# ------------------------------------------------------------ khard edit -> server
echo "-- khard edit locally, then sync up"
out=$(khd show --format yaml -o "$T/edit.yaml" "uid:${uid:-none}")
check "khard show --format yaml exported the contact" test -s "$T/edit.yaml"
sed -i -e 's/^Note *:.*/Note : edited with khard/' \
  -e 's/elodie\.khard@example\.test/elodie.edited@example.test/' "$T/edit.yaml"
out=$(printf 'y\n' | timeout -k 5 60 khard -c "$KHARD_CONF" edit -i "$T/edit.yaml" "uid:${uid:-none}" 2>&1)
f=$(grep -l "UID:${uid:-none}" "$LOCAL/Contacts/"*.vcf 2>/dev/null | head -n 1)
check "khard edit wrote the change into the local vdir" grep -q 'elodie.edited@example.test' "${f:-/dev/null}"
vds "sync after khard edit" sync
vds_ok "vdirsyncer sync (upload the khard edit)"
body=$(dav_curl "$BASE_URL$href" 2>/dev/null | unfold)
expect_match "GET on the server: the note edited with khard" 'NOTE:edited with khard' "$body"
expect_match "GET on the server: the e-mail edited with khard" 'EMAIL[^:]*:elodie\.edited@example\.test' "$body"
expect_eq "addressbook-query EMAIL equals the new address finds it" "$href" "$(query_hrefs "$BOOK_URL" EMAIL equals elodie.edited@example.test)"
expect_eq "addressbook-query EMAIL equals the old address finds nothing" "" "$(query_hrefs "$BOOK_URL" EMAIL equals elodie.khard@example.test)"

# ------------------------------------------------------------ local delete -> server
echo "-- khard remove, then sync"
out=$(khd remove --force "uid:${uid:-none}")
note "khard remove: $(head -n 1 <<<"$out")"
n=$(grep -l "UID:${uid:-none}" "$LOCAL/Contacts/"*.vcf 2>/dev/null | wc -l)
expect_eq "khard remove deleted the .vcf from the local vdir" 0 "$n"
out=$(khd list)
if grep -q 'Khard-Interop' <<<"$out"; then fail "khard still lists the removed contact"; else pass "khard no longer lists the removed contact"; fi
vds "sync after the local delete" sync
vds_ok "vdirsyncer sync (propagate the delete)"
expect_eq "GET of the removed contact on the server: 404" 404 "$(http_status "$BASE_URL$href")"
expect_eq "addressbook-query no longer finds it" 0 "$(query_hrefs "$BOOK_URL" FN contains "Khard-Interop" | grep -c .)"
expect_eq "the seeded 3.0 card is still on the server" 200 "$(http_status "${BOOK_URL}seed-v3.vcf")"
expect_eq "the seeded 4.0 card is still on the server" 200 "$(http_status "${BOOK_URL}seed-v4.vcf")"

vds "final sync" sync
vds_ok "vdirsyncer sync (final, nothing to do)"
vds_quiet "the final sync"

if ((INTEROP_FAILED > 0)); then
  note "vdirsyncer debug log: $VLOG"
  note "server log tail:"
  server_log_tail 15 | sed 's/^/     | /'
fi
finish
