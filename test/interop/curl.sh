#!/usr/bin/env bash
# HTTP-level checks with curl for what real clients do and what SPEC §7 fixes:
#  - macOS Finder: chunked PUT without Content-Length (after a 0-byte PUT and a LOCK, with
#    X-Expected-Entity-Length), `._` AppleDouble files and .DS_Store
#  - GET with Range (206, suffix ranges, 416)
#  - conditional requests: If-Match mismatch 412, If-None-Match: *, strong ETags
#  - MOVE/COPY with a Destination on another host: 502
#  - a name with an encoded slash (%2F): 400; a path escaping with `..`: 4xx
#  - an interrupted upload leaves the previous content
#  - OPTIONS for the Windows mini-redirector, 401 with WWW-Authenticate
source "$(dirname "$0")/lib.sh"
interop_init curl

start_server

T="$INTEROP_TMP"
D="${DOCS_URL}curl-checks/"
CURL_LOG=$(log_file requests.log)
FINDER_UA='WebDAVFS/3.0.0 (03008000) Darwin/22.6.0 (x86_64)'

# req <curl args...>: one request; status in $S, headers in $T/h, body in $T/b
S=""
req() {
  echo "\$ curl $*" >>"$CURL_LOG"
  S=$(dav_curl -D "$T/h" -o "$T/b" -w '%{http_code}' "$@" 2>>"$CURL_LOG") || true
  S=${S:-000}
  { cat "$T/h"; head -c 2000 "$T/b"; echo; } >>"$CURL_LOG" 2>/dev/null
}
# header <name>: value of a response header of the last req (last occurrence, no CR)
# header <name>: value of a response header of the last req (several ones joined with ", ")
header() {
  grep -i "^$1:" "$T/h" | cut -d: -f2- | sed -e 's/^ *//' -e 's/\r$//' | paste -sd, - | sed 's/,/, /g'
}
body() { cat "$T/b"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

req -X MKCOL "$D"
expect_eq "MKCOL curl-checks/" 201 "$S"

# ------------------------------------------------------------ Finder: chunked PUT
echo "-- macOS Finder"
head -c 1500000 /dev/urandom >"$T/finder.bin"
size=$(stat -c %s "$T/finder.bin")
req -A "$FINDER_UA" -X PUT -H 'Content-Length: 0' --data-binary '' "${D}Finder%20upload.bin"
expect_eq "Finder: empty PUT creates the file (201)" 201 "$S"
req -A "$FINDER_UA" -X LOCK -H 'Depth: 0' -H 'Timeout: Second-600' -H 'content-type: text/xml; charset="utf-8"' \
  --data-binary '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>http://www.apple.com/webdav_fs/</D:href></D:owner></D:lockinfo>' \
  "${D}Finder%20upload.bin"
expect_eq "Finder: LOCK (200)" 200 "$S"
token=$(header Lock-Token)
expect_match "Finder: LOCK returns a Lock-Token" '^<.+>$' "$token"
# -T - reads stdin: curl sends Transfer-Encoding: chunked and no Content-Length
req -A "$FINDER_UA" -T - -H 'Expect:' -H "X-Expected-Entity-Length: $size" -H "If: ($token)" \
  -H 'content-type: application/octet-stream' "${D}Finder%20upload.bin" <"$T/finder.bin"
expect_match "Finder: chunked PUT with the lock token (201/204, got $S)" '^20[14]$' "$S"
dav_curl -o "$T/finder.down" "${D}Finder%20upload.bin"
expect_eq "Finder: GET returns the chunked upload byte for byte" "$(sha "$T/finder.bin")" "$(sha "$T/finder.down")"
req -I "${D}Finder%20upload.bin"
expect_eq "Finder: HEAD Content-Length is the uploaded size" "$size" "$(header Content-Length)"
req -X PROPFIND -H 'Depth: 0' --data-binary '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/></D:prop></D:propfind>' "${D}Finder%20upload.bin"
expect_match "Finder: getcontentlength is the uploaded size" "getcontentlength[^>]*>$size<" "$(body)"
req -A "$FINDER_UA" -X UNLOCK -H "Lock-Token: $token" "${D}Finder%20upload.bin"
expect_eq "Finder: UNLOCK (204)" 204 "$S"
head -c 2500000 /dev/urandom >"$T/chunked2.bin"
req -A "$FINDER_UA" -T - "${D}chunked-new.bin" <"$T/chunked2.bin"
expect_eq "chunked PUT (with Expect: 100-continue) of a new file without a lock (201)" 201 "$S"
dav_curl -o "$T/chunked2.down" "${D}chunked-new.bin"
expect_eq "... stored byte for byte" "$(sha "$T/chunked2.bin")" "$(sha "$T/chunked2.down")"

# AppleDouble and .DS_Store
printf '\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\x00\x00\x00\x09\x00\x00\x00\x32\x00\x00\x0e\xb0' >"$T/appledouble"
head -c 4000 /dev/zero >>"$T/appledouble"
printf 'the real file\n' >"$T/report.txt"
req -A "$FINDER_UA" -X PUT --data-binary @"$T/report.txt" "${D}report.txt"
expect_eq "PUT report.txt (201)" 201 "$S"
req -A "$FINDER_UA" -T - "${D}._report.txt" <"$T/appledouble"
expect_eq "chunked PUT of the AppleDouble file ._report.txt (201)" 201 "$S"
req -A "$FINDER_UA" -X PUT --data-binary @"$T/appledouble" "${D}.DS_Store"
expect_eq "PUT .DS_Store (201)" 201 "$S"
dav_curl -o "$T/appledouble.down" "${D}._report.txt"
check "GET ._report.txt returns its bytes" cmp -s "$T/appledouble" "$T/appledouble.down"
req -X PROPFIND -H 'Depth: 1' "$D"
expect_eq "PROPFIND Depth 1 on the folder (207)" 207 "$S"
expect_match "the listing contains ._report.txt" 'curl-checks/\._report\.txt<' "$(body)"
expect_match "the listing contains .DS_Store" 'curl-checks/\.DS_Store<' "$(body)"
req -A "$FINDER_UA" -X DELETE "${D}._report.txt"
expect_eq "DELETE ._report.txt (204)" 204 "$S"
req "${D}report.txt"
expect_eq "report.txt is untouched by the AppleDouble delete" "the real file" "$(body)"

# ------------------------------------------------------------ Range
echo "-- Range"
seq 1 1000 | head -c 1000 >"$T/range.txt"
req -X PUT --data-binary @"$T/range.txt" "${D}range.txt"
expect_eq "PUT range.txt" 201 "$S"
req -I "${D}range.txt"
expect_eq "HEAD: Content-Length 1000" 1000 "$(header Content-Length)"
expect_match "HEAD: Accept-Ranges: bytes" '^bytes$' "$(header Accept-Ranges)"
req -H 'Range: bytes=0-9' "${D}range.txt"
expect_eq "Range bytes=0-9: 206" 206 "$S"
expect_eq "Range bytes=0-9: Content-Range" "bytes 0-9/1000" "$(header Content-Range)"
expect_eq "Range bytes=0-9: body" "$(head -c 10 "$T/range.txt")" "$(body)"
req -H 'Range: bytes=500-599' "${D}range.txt"
expect_eq "Range bytes=500-599: 100 bytes from offset 500" "$(tail -c +501 "$T/range.txt" | head -c 100)" "$(body)"
expect_eq "Range bytes=500-599: Content-Length 100" 100 "$(header Content-Length)"
req -H 'Range: bytes=990-' "${D}range.txt"
expect_eq "Range bytes=990-: 206 and the last 10 bytes" "206 $(tail -c 10 "$T/range.txt")" "$S $(body)"
req -H 'Range: bytes=-5' "${D}range.txt"
expect_eq "Range bytes=-5 (suffix): 206 and the last 5 bytes" "206 $(tail -c 5 "$T/range.txt")" "$S $(body)"
expect_eq "Range bytes=-5: Content-Range" "bytes 995-999/1000" "$(header Content-Range)"
req -H 'Range: bytes=2000-3000' "${D}range.txt"
expect_eq "Range past the end: 416" 416 "$S"
expect_eq "Range past the end: Content-Range bytes */1000" "bytes */1000" "$(header Content-Range)"

# ------------------------------------------------------------ conditional requests
echo "-- If-Match / ETag"
req "${D}range.txt"
etag=$(header ETag)
expect_match "GET returns a strong ETag" '^"[^"]+"$' "$etag"
req -X PUT -H 'If-Match: "certainly-not-the-etag"' --data-binary 'overwritten' "${D}range.txt"
expect_eq "PUT with a mismatching If-Match: 412" 412 "$S"
dav_curl -o "$T/range.after" "${D}range.txt"
check "... and the content is unchanged" cmp -s "$T/range.txt" "$T/range.after"
req -X DELETE -H 'If-Match: "certainly-not-the-etag"' "${D}range.txt"
expect_eq "DELETE with a mismatching If-Match: 412" 412 "$S"
req -X PUT -H 'If-None-Match: *' --data-binary 'overwritten' "${D}range.txt"
expect_eq "PUT If-None-Match: * on an existing file: 412" 412 "$S"
req -X PUT -H "If-Match: $etag" --data-binary 'second version' "${D}range.txt"
expect_match "PUT with the matching If-Match succeeds (204/200, got $S)" '^20[04]$' "$S"
put_etag=$(header ETag)
req "${D}range.txt"
etag2=$(header ETag)
expect_eq "GET after the PUT returns the new content" "second version" "$(body)"
if [[ -n "$etag2" && "$etag2" != "$etag" ]]; then pass "the ETag changed with the content"; else fail "the ETag changed with the content ('$etag' -> '$etag2')"; fi
if [[ -z "$put_etag" ]]; then
  fail "PUT returns an ETag"
else
  expect_eq "the ETag returned by PUT is the one GET returns" "$etag2" "$put_etag"
fi
req -H "If-None-Match: $etag2" "${D}range.txt"
expect_eq "GET If-None-Match with the current ETag: 304" 304 "$S"
req -X PUT -H 'If-None-Match: *' --data-binary 'new' "${D}new-if-none-match.txt"
expect_eq "PUT If-None-Match: * on a new name: 201" 201 "$S"

# ------------------------------------------------------------ Destination on another host
echo "-- Destination on another host"
req -X MOVE -H "Destination: http://elsewhere.example.net${DOCS_PATH}curl-checks/moved.txt" "${D}report.txt"
expect_eq "MOVE to another host: 502" 502 "$S"
req -X COPY -H "Destination: http://elsewhere.example.net${DOCS_PATH}curl-checks/copied.txt" "${D}report.txt"
expect_eq "COPY to another host: 502" 502 "$S"
req "${D}report.txt"
expect_eq "the source is still there after the refused MOVE" 200 "$S"
req -X MOVE -H "Destination: ${D}moved.txt" "${D}report.txt"
expect_eq "MOVE to an absolute URL on this host: 201" 201 "$S"
req -X MOVE -H "Destination: ${DOCS_PATH}curl-checks/report.txt" "${D}moved.txt"
expect_eq "MOVE to an absolute path (no scheme and host): 201" 201 "$S"

# ------------------------------------------------------------ encoded slash, dot-dot
echo "-- bad paths"
req -X PUT --data-binary 'x' "${D}a%2Fb.txt"
expect_eq "PUT a%2Fb.txt: 400" 400 "$S"
req -X MKCOL "${D}dir%2Fsub/"
expect_eq "MKCOL dir%2Fsub/: 400" 400 "$S"
req "${D}a%2Fb.txt"
expect_eq "GET a%2Fb.txt: 400" 400 "$S"
req -X COPY -H "Destination: ${D}x%2Fy.txt" "${D}range.txt"
expect_eq "COPY to a Destination with %2F: 400" 400 "$S"
req -X PROPFIND -H 'Depth: 1' "$D"
if grep -qE '%2F|a/b\.txt|dir/sub|x/y\.txt' "$T/b"; then
  fail "nothing was created by the refused requests"
else
  pass "nothing was created by the refused requests"
fi
req --path-as-is "${DOCS_URL}../../../etc/passwd"
expect_match "GET escaping with ../ is refused with a 4xx (got $S)" '^4[0-9][0-9]$' "$S"
req --path-as-is -X PUT --data-binary 'x' "${D}../../../other@example.test/Documents/escape.txt"
expect_match "PUT with ../ segments out of the account is refused with a 4xx (got $S)" '^4[0-9][0-9]$' "$S"
req --path-as-is -X PUT --data-binary 'x' "${D}sub/../dotdot.txt"
expect_match "PUT with a ../ segment is refused with a 4xx (got $S)" '^4[0-9][0-9]$' "$S"

# ------------------------------------------------------------ interrupted upload
echo "-- interrupted upload"
printf 'precious original\n' >"$T/orig.txt"
req -X PUT --data-binary @"$T/orig.txt" "${D}precious.txt"
expect_eq "PUT precious.txt" 201 "$S"
# send 300 kB of a chunked body, then kill curl before the last chunk
{ head -c 300000 /dev/urandom; sleep 5; head -c 300000 /dev/urandom; } |
  curl -sS --max-time 20 -u "$INTEROP_USER:$INTEROP_PASSWORD" -T - -o /dev/null "${D}precious.txt" 2>/dev/null &
cpid=$!
sleep 2
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
sleep 1
req "${D}precious.txt"
expect_eq "after an interrupted chunked PUT the previous content is intact" "precious original" "$(body)"
req -X PUT -H 'Content-Length: 100000' --data-binary 'short body' --max-time 5 "${D}precious.txt"
req "${D}precious.txt"
expect_eq "after a PUT with a body shorter than its Content-Length the previous content is intact" "precious original" "$(body)"

# ------------------------------------------------------------ Windows and auth
echo "-- OPTIONS and authentication"
for u in "$BASE_URL/" "$BASE_URL/webdav/"; do
  req -X OPTIONS "$u"
  expect_match "OPTIONS $u: DAV header has 1 and 2" '(^|[ ,])1[ ,].*2' "$(header DAV)"
  expect_eq "OPTIONS $u: MS-Author-Via: DAV" "DAV" "$(header MS-Author-Via)"
done
code=$(curl -sS --max-time 10 -o /dev/null -D "$T/h401" -w '%{http_code}' -u "$INTEROP_USER:wrong-password" "$D" 2>/dev/null)
expect_eq "a wrong password: 401" 401 "$code"
expect_match "... with WWW-Authenticate: Basic" '^[Ww][Ww][Ww]-[Aa]uthenticate: *Basic' "$(grep -i '^www-authenticate' "$T/h401")"
enc_url="${BASE_URL}/webdav/${INTEROP_USER//@/%40}/Documents/curl-checks/new-if-none-match.txt"
req "$enc_url"
expect_eq "the account in the path may be written with %40" 200 "$S"

req -X DELETE "$D"
expect_eq "DELETE curl-checks/ (204)" 204 "$S"
finish
