#!/usr/bin/env bash
# A scripted cadaver session (Debian package `cadaver`, neon-based) against the test
# account's Documents folder: mkcol, put, get, move, copy, lock/discover/unlock, a
# conflicting PUT from another client while the lock is held, propset/propget/propdel,
# delete, rmcol. Credentials come from a ~/.netrc in a private HOME. The session is one
# cadaver process fed through a FIFO, so locks live as long as they would for a user;
# every step's effect is verified independently with curl.
source "$(dirname "$0")/lib.sh"
interop_init cadaver

command -v cadaver >/dev/null || die "cadaver is not installed (apt-get install cadaver)"
start_server

export HOME="$INTEROP_TMP/home"
mkdir -p "$HOME"
host=${BASE_URL#*://}
host=${host%%/*}
host=${host%%:*}
printf 'machine %s\nlogin %s\npassword %s\n' "$host" "$INTEROP_USER" "$INTEROP_PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"

work="$INTEROP_TMP/files"
mkdir -p "$work"
cd "$work" || die "cd $work"
printf 'hello from cadaver\n' >hello.txt
head -c 200000 /dev/urandom >random.bin
printf 'second version\n' >hello2.txt

# ---- the session
CAD_LOG=$(log_file session.log)
mkfifo "$INTEROP_TMP/cadaver.in"
TERM=dumb timeout -k 5 300 cadaver "$DOCS_URL" <"$INTEROP_TMP/cadaver.in" >"$CAD_LOG" 2>&1 &
CAD_PID=$!
exec 3>"$INTEROP_TMP/cadaver.in"
on_exit 'exec 3>&- 2>/dev/null; sleep 0.5; kill $CAD_PID 2>/dev/null; wait $CAD_PID 2>/dev/null'

PROMPT_RE='^dav:/[^ ]*> '
prompts() { grep -oE 'dav:/[^ ]*> ' "$CAD_LOG" 2>/dev/null | wc -l; }

# cad "command": sends one command, waits for the next prompt (30 s), output in $CAD_OUT
CAD_OUT=""
cad() {
  local before size deadline=$((SECONDS + 30))
  before=$(prompts)
  size=$(stat -c %s "$CAD_LOG")
  printf '%s\n' "$1" >&3
  while (($(prompts) <= before)); do
    if ! kill -0 "$CAD_PID" 2>/dev/null; then
      CAD_OUT=$(tail -c +"$((size + 1))" "$CAD_LOG")
      die "cadaver exited during '$1': $CAD_OUT"
    fi
    ((SECONDS < deadline)) || die "cadaver: no prompt 30 s after '$1'"
    sleep 0.1
  done
  CAD_OUT=$(tail -c +"$((size + 1))" "$CAD_LOG" | sed -E "s#$PROMPT_RE\$##")
}

# cad_ok "description" "command": the command must report success
cad_ok() {
  cad "$2"
  if grep -q 'succeeded' <<<"$CAD_OUT" && ! grep -qiE 'failed|error' <<<"$CAD_OUT"; then
    pass "$1"
  else
    fail "$1: $(tr '\n' ' ' <<<"$CAD_OUT" | head -c 400)"
  fi
}

# cad_nofail "description" "command": for commands that print nothing on success
cad_nofail() {
  cad "$2"
  if grep -qiE 'fail|error|not a collection|could not' <<<"$CAD_OUT"; then
    fail "$1: $(tr '\n' ' ' <<<"$CAD_OUT" | head -c 400)"
  else
    pass "$1"
  fi
}

status_of() { http_status "$@"; }
dir="${DOCS_URL}cadaver-dir/"

# wait for the first prompt (connected, OPTIONS done)
deadline=$((SECONDS + 30))
until (($(prompts) >= 1)); do
  kill -0 "$CAD_PID" 2>/dev/null || die "cadaver did not start: $(cat "$CAD_LOG")"
  ((SECONDS < deadline)) || die "cadaver: no first prompt after 30 s: $(cat "$CAD_LOG")"
  sleep 0.1
done
if grep -qiE 'could not|authentication|failed' "$CAD_LOG"; then
  fail "cadaver connects: $(tr '\n' ' ' <"$CAD_LOG" | head -c 300)"
else
  pass "cadaver connects with credentials from ~/.netrc"
fi

# mkcol
cad_ok "mkcol cadaver-dir" "mkcol cadaver-dir"
expect_eq "the new collection answers PROPFIND" 207 "$(status_of -X PROPFIND -H 'Depth: 0' "$dir")"
cad_nofail "cd cadaver-dir" "cd cadaver-dir"
cad "mkcol cadaver-dir2/sub"
if grep -q 'succeeded' <<<"$CAD_OUT"; then fail "mkcol with a missing parent must fail"; else pass "mkcol with a missing parent fails"; fi

# put / get
cad_ok "put hello.txt" "put hello.txt"
cad_ok "put random.bin (200 kB)" "put random.bin"
cad_ok 'put to a name with a space and accents' 'put hello.txt "été à Paris.txt"'
dav_curl -o "$work/check-hello.txt" "${dir}hello.txt"
check "hello.txt on the server has the uploaded bytes" cmp -s hello.txt "$work/check-hello.txt"
dav_curl -o "$work/check-random.bin" "${dir}random.bin"
check "random.bin on the server has the uploaded bytes" cmp -s random.bin "$work/check-random.bin"
expect_eq "'été à Paris.txt' is at its percent-encoded URL" 200 \
  "$(status_of "${dir}%C3%A9t%C3%A9%20%C3%A0%20Paris.txt")"
cad_ok "get random.bin" "get random.bin got-random.bin"
check "the downloaded random.bin equals the original" cmp -s random.bin got-random.bin
cad "ls"
if grep -q 'hello.txt' <<<"$CAD_OUT" && grep -q 'random.bin' <<<"$CAD_OUT" && grep -q '200000' <<<"$CAD_OUT"; then
  pass "ls lists the files with their sizes"
else
  fail "ls lists the files with their sizes: $(tr '\n' ' ' <<<"$CAD_OUT" | head -c 400)"
fi

# move / copy
cad_ok "move hello.txt moved.txt" "move hello.txt moved.txt"
expect_eq "after move the source is gone" 404 "$(status_of "${dir}hello.txt")"
expect_eq "after move the destination exists" 200 "$(status_of "${dir}moved.txt")"
cad_ok "copy moved.txt copied.txt" "copy moved.txt copied.txt"
dav_curl -o "$work/check-copied.txt" "${dir}copied.txt"
check "the copy has the same bytes" cmp -s hello.txt "$work/check-copied.txt"
expect_eq "after copy the source still exists" 200 "$(status_of "${dir}moved.txt")"

# lock / discover / conflicting write / unlock
cad_ok "lock copied.txt" "lock copied.txt"
lockinfo=$(dav_curl -X PROPFIND -H 'Depth: 0' -H 'content-type: application/xml' \
  --data '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><lockdiscovery/></prop></propfind>' "${dir}copied.txt")
expect_match "lockdiscovery shows the lock" 'activelock' "$lockinfo"
token=$(grep -oE 'opaquelocktoken:[^<]*|urn:uuid:[^<]*' <<<"$lockinfo" | head -n 1)
cad "discover copied.txt"
if [[ -n "$token" ]] && grep -qF "$token" <<<"$CAD_OUT"; then
  pass "discover shows the same lock token ($token)"
else
  fail "discover shows the lock token '$token': $(tr '\n' ' ' <<<"$CAD_OUT" | head -c 300)"
fi
expect_eq "a PUT from another client without the token is refused (423)" 423 \
  "$(status_of -X PUT --data-binary 'intruder' "${dir}copied.txt")"
expect_eq "a DELETE from another client without the token is refused (423)" 423 \
  "$(status_of -X DELETE "${dir}copied.txt")"
cad_ok "put over the locked file from the lock holder (If header)" "put hello2.txt copied.txt"
dav_curl -o "$work/check-copied2.txt" "${dir}copied.txt"
check "the lock holder's PUT replaced the content" cmp -s hello2.txt "$work/check-copied2.txt"
cad_ok "unlock copied.txt" "unlock copied.txt"
lockinfo=$(dav_curl -X PROPFIND -H 'Depth: 0' -H 'content-type: application/xml' \
  --data '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><lockdiscovery/></prop></propfind>' "${dir}copied.txt")
if grep -q 'activelock' <<<"$lockinfo"; then fail "after unlock lockdiscovery is empty"; else pass "after unlock lockdiscovery is empty"; fi
code=$(status_of -X PUT --data-binary 'after unlock' "${dir}copied.txt")
expect_match "after unlock another client may PUT again (2xx, got $code)" '^20[014]$' "$code"

# lock on a collection (depth infinity) covers its members
cad_ok "lock the collection" "lock ."
resp=$(dav_curl -X PUT --data-binary 'x' -w '\n%{http_code}' "${dir}new-in-locked.txt")
code=${resp##*$'\n'}
# 423, or (as Apache mod_dav does) a 207 naming the locked collection with 423
if [[ "$code" == 423 || ("$code" == 207 && "$resp" == *"423 Locked"*) ]]; then
  pass "a new member of the locked collection is refused without the token ($code)"
else
  fail "a new member of the locked collection is refused without the token (expected 423, got $code)"
fi
expect_eq "... and was not created" 404 "$(status_of "${dir}new-in-locked.txt")"
cad_ok "put into the locked collection from the lock holder" "put hello.txt in-locked.txt"
cad_ok "unlock the collection" "unlock ."

# properties
cad_ok "propset moved.txt colour blue" "propset moved.txt colour blue"
props=$(dav_curl -X PROPFIND -H 'Depth: 0' -H 'content-type: application/xml' \
  --data '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><C:colour xmlns:C="http://webdav.org/cadaver/custom-properties/"/></prop></propfind>' \
  "${dir}moved.txt")
expect_match "the dead property is stored (seen with curl)" '>blue<' "$props"
cad "propget moved.txt colour"
expect_match "propget returns the value" 'colour is: blue' "$CAD_OUT"
cad_ok "propset replaces the value" "propset moved.txt colour 'deep red'"
cad "propget moved.txt colour"
expect_match "propget returns the new value" "colour is: .?deep red" "$CAD_OUT"
cad "propnames moved.txt"
expect_match "propnames lists the dead property and live ones" 'colour.*|getetag' "$CAD_OUT"
cad_ok "propdel moved.txt colour" "propdel moved.txt colour"
props=$(dav_curl -X PROPFIND -H 'Depth: 0' -H 'content-type: application/xml' \
  --data '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><C:colour xmlns:C="http://webdav.org/cadaver/custom-properties/"/></prop></propfind>' \
  "${dir}moved.txt")
expect_match "after propdel the property is reported 404" 'HTTP/1.1 404' "$props"

# delete / rmcol
cad_ok "delete copied.txt" "delete copied.txt"
expect_eq "the deleted file is gone" 404 "$(status_of "${dir}copied.txt")"
cad_nofail "cd .." "cd .."
cad_ok "rmcol cadaver-dir" "rmcol cadaver-dir"
expect_eq "the removed collection is gone with its members" 404 "$(status_of -X PROPFIND -H 'Depth: 0' "$dir")"
expect_eq "a member of the removed collection is gone" 404 "$(status_of "${dir}moved.txt")"

printf 'quit\n' >&3
finish
