#!/usr/bin/env bash
# rclone (Debian package `rclone`) with an on-the-fly WebDAV remote (`:webdav:`, vendor
# "other", configured by RCLONE_WEBDAV_* variables; no config file): copy a tree up, list
# it, `rclone check` it (sizes, then contents with --download), download it and compare
# with cmp, move a file and a directory on the server, delete and purge.
source "$(dirname "$0")/lib.sh"
interop_init rclone

command -v rclone >/dev/null || die "rclone is not installed (apt-get install rclone)"
start_server

export RCLONE_CONFIG="$INTEROP_TMP/rclone.conf"
: >"$RCLONE_CONFIG"
export RCLONE_WEBDAV_URL="$DOCS_URL"
export RCLONE_WEBDAV_VENDOR=other
export RCLONE_WEBDAV_USER="$INTEROP_USER"
RCLONE_WEBDAV_PASS=$(rclone obscure "$INTEROP_PASSWORD") || die "rclone obscure failed"
export RCLONE_WEBDAV_PASS
RCLONE_LOG=$(log_file rclone.log)

# rc <args...>: one bounded rclone call, its output in $RC_OUT and in the log
RC_OUT=""
rc() {
  echo "\$ rclone $*" >>"$RCLONE_LOG"
  RC_OUT=$(timeout -k 5 180 rclone --retries 1 --low-level-retries 2 --contimeout 10s --timeout 60s "$@" 2>&1)
  local st=$?
  printf '%s\n' "$RC_OUT" >>"$RCLONE_LOG"
  return $st
}

# rc_ok "description" args...
rc_ok() {
  local desc=$1
  shift
  if rc "$@"; then
    pass "$desc"
  else
    fail "$desc: $(grep -E 'ERROR|Failed|error' <<<"$RC_OUT" | head -n 5 | tr '\n' ' ' | head -c 600)"
  fi
}

cd "$INTEROP_TMP" || die "cd"
src="$INTEROP_TMP/src"
mkdir -p "$src/sub/deeper" "$src/empty-dir-is-not-copied"
printf 'alpha\n' >"$src/a.txt"
: >"$src/empty.txt"
head -c 300000 /dev/urandom >"$src/sub/b.bin"
head -c 5000000 /dev/urandom >"$src/sub/big.bin"
printf 'accents é ü ß\n' >"$src/sub/deeper/Café crème & co (1).txt"
printf 'plus+percent%%hash#\n' >"$src/sub/deeper/odd+name%25#1.txt"
nfiles=$(find "$src" -type f | wc -l)

rc_ok "copy a tree of $nfiles files up" copy "$src" :webdav:rclone-tree
rc lsf -R --files-only :webdav:rclone-tree
listed=$(sort <<<"$RC_OUT")
expected=$(cd "$src" && find . -type f | sed 's|^\./||' | sort)
expect_eq "lsf -R lists exactly the uploaded files" "$expected" "$listed"
rc lsl :webdav:rclone-tree/sub
expect_match "lsl shows the sizes" '5000000 .*big\.bin' "$RC_OUT"
rc_ok "check (sizes)" check "$src" :webdav:rclone-tree
expect_match "check finds 0 differences" '0 differences found' "$RC_OUT"
rc_ok "check --download (contents)" check --download "$src" :webdav:rclone-tree
expect_match "check --download finds $nfiles matching files" "$nfiles matching files" "$RC_OUT"

down="$INTEROP_TMP/down"
rc_ok "copy the tree down" copy :webdav:rclone-tree "$down"
while IFS= read -r -d '' f; do
  rel=${f#"$src"/}
  check "downloaded $rel equals the original" cmp -s "$f" "$down/$rel"
done < <(find "$src" -type f -print0)

# a second copy is a no-op (sizes and modification times are kept by the server)
rc copy -v "$src" :webdav:rclone-tree
if grep -qE 'Copied \(new\)|Copied \(replaced' <<<"$RC_OUT"; then
  fail "a second copy transfers nothing: $(grep -E 'Copied' <<<"$RC_OUT" | head -n 3 | tr '\n' ' ')"
else
  pass "a second copy transfers nothing"
fi

# change a file, sync, check
printf 'alpha, second version\n' >"$src/a.txt"
rc_ok "sync after a local change" sync "$src" :webdav:rclone-tree
rc cat :webdav:rclone-tree/a.txt
expect_eq "the changed file has the new content" "alpha, second version" "$RC_OUT"

# server-side moves
rc_ok "moveto a file" moveto :webdav:rclone-tree/a.txt :webdav:rclone-tree/sub/a-moved.txt
rc lsf :webdav:rclone-tree
if grep -qx 'a.txt' <<<"$RC_OUT"; then fail "the moved file left its old place"; else pass "the moved file left its old place"; fi
rc cat :webdav:rclone-tree/sub/a-moved.txt
expect_eq "the moved file has its content" "alpha, second version" "$RC_OUT"
rc_ok "moveto a directory" moveto :webdav:rclone-tree/sub/deeper :webdav:rclone-tree/deeper-moved
rc lsf -R :webdav:rclone-tree
expect_match "the moved directory has its files" 'deeper-moved/Café crème & co \(1\)\.txt' "$RC_OUT"
if grep -q '^sub/deeper' <<<"$RC_OUT"; then fail "the directory left its old place"; else pass "the directory left its old place"; fi
rc_ok "server-side copyto" copyto :webdav:rclone-tree/sub/b.bin :webdav:rclone-tree/b-copy.bin
rc_ok "download the server-side copy" copyto :webdav:rclone-tree/b-copy.bin "$INTEROP_TMP/b-copy.bin"
check "the server-side copy equals the original" cmp -s "$src/sub/b.bin" "$INTEROP_TMP/b-copy.bin"

# delete, rmdir, purge
rc_ok "deletefile" deletefile :webdav:rclone-tree/b-copy.bin
rc lsf :webdav:rclone-tree
if grep -qx 'b-copy.bin' <<<"$RC_OUT"; then fail "the deleted file is gone"; else pass "the deleted file is gone"; fi
rc_ok "mkdir + rmdir" mkdir :webdav:rclone-tree/tmpdir
rc_ok "rmdir an empty directory" rmdir :webdav:rclone-tree/tmpdir
rc_ok "purge the tree" purge :webdav:rclone-tree
code=$(http_status -X PROPFIND -H 'Depth: 0' "${DOCS_URL}rclone-tree/")
expect_eq "the purged tree answers 404" 404 "$code"
rc about :webdav: || true
if grep -qE 'Total:|Used:' <<<"$RC_OUT"; then pass "about reports quota (RFC 4331)"; else fail "about reports quota (RFC 4331): $(head -c 300 <<<"$RC_OUT")"; fi

finish
