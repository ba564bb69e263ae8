#!/usr/bin/python3
"""A CardDAV client scenario in raw HTTP with `requests` (Debian python3-requests).

The python `caldav` library has no CardDAV, so this speaks the protocol itself, the way
the address book clients do. Run by carddav-python.sh against a server it starts; can
also be run by hand:

    /usr/bin/python3 carddav_scenario.py --url http://127.0.0.1:8080/ \
        --user litmus@example.test --password secret123 [--log exchanges.log]

 - discovery: /.well-known/carddav, current-user-principal, addressbook-home-set, a
   Depth 1 PROPFIND of the home that finds `Contacts` as an address book
 - PUT of vCard 3.0 and 4.0 cards: Unicode names, a ~200 kB photo in each version, a
   contact group with members; a second UID at another href is refused
 - addressbook-multiget, as stored and converted to the other vCard version (the photo
   bytes must survive the conversion), a partial address-data, a missing href
 - addressbook-query on FN (contains, case-insensitive, Unicode) and EMAIL (equals), with
   a limit and the 507 truncation
 - sync-collection: initial, then incremental after an edit and a delete
 - preconditions: If-Match with a stale ETag (412), If-None-Match: * on an existing card
 - extended MKCOL of a second address book

Every check prints `ok   ...` or `FAIL ...`; the last line is `N passed, N failed`; the
exit status is 1 when a check failed. On a failure the last HTTP exchanges are printed
(all of them go to --log).
"""

import argparse
import base64
import collections
import random
import re
import sys
import traceback
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, urljoin, urlparse

import requests

D = "DAV:"
CR = "urn:ietf:params:xml:ns:carddav"
NS = {"D": D, "CR": CR}
XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'

passed = 0
failed = 0
recent = collections.deque(maxlen=6)  # last HTTP exchanges, for failure reports
log_file = None


# ------------------------------------------------------------------ reporting

def show_recent(n=3):
    print("     ---- last HTTP exchanges:")
    for text in list(recent)[-n:]:
        for line in text.splitlines()[:60]:
            print("     | " + line)
        print("     |")
    print("     ----")


def ok(desc):
    global passed
    passed += 1
    print("ok   " + desc, flush=True)


def fail(desc, exchanges=3):
    global failed
    failed += 1
    print("FAIL " + desc, flush=True)
    if exchanges:
        show_recent(exchanges)


def check(desc, cond, detail=""):
    if cond:
        ok(desc)
    else:
        fail(desc + (" (" + detail + ")" if detail else ""))
    return bool(cond)


def expect_eq(desc, expected, actual):
    return check(desc, expected == actual, "expected %r, got %r" % (expected, actual))


def short(data, limit=1200):
    if data is None:
        return ""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    data = str(data)
    # long base64 photos make reports unreadable
    data = re.sub(r"(?:[A-Za-z0-9+/=\r\n ]|&#13;){400,}", lambda m: "<%d chars of base64>" % len(m.group(0)), data)
    return data if len(data) <= limit else data[:limit] + "... (%d chars)" % len(data)


# ------------------------------------------------------------------ HTTP

class Dav:
    def __init__(self, base, user, password):
        self.base = base
        self.s = requests.Session()
        self.s.auth = (user, password)

    def url(self, path):
        return urljoin(self.base, path)

    def req(self, method, path, body=None, headers=None, redirects=False):
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        r = self.s.request(method, self.url(path), data=body, headers=headers,
                           allow_redirects=redirects, timeout=60)
        text = "> %s %s\n" % (method, r.request.url)
        text += "".join("> %s: %s\n" % (k, v) for k, v in headers.items())
        if body:
            text += ">\n" + short(body) + "\n"
        text += "< %s %s\n" % (r.status_code, r.reason)
        text += "".join("< %s: %s\n" % (k, v) for k, v in r.headers.items()
                        if k.lower() in ("etag", "location", "content-type", "dav", "content-length"))
        if r.content:
            text += "<\n" + short(r.content) + "\n"
        recent.append(text)
        if log_file:
            log_file.write(text + "\n")
            log_file.flush()
        return r

    def propfind(self, path, props, depth="0"):
        body = XML_HEAD + '<D:propfind xmlns:D="DAV:" xmlns:CR="%s"><D:prop>%s</D:prop></D:propfind>' % (CR, props)
        return self.req("PROPFIND", path, body, {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"})

    def report(self, path, body, depth="1"):
        return self.req("REPORT", path, XML_HEAD + body,
                        {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"})


def path_of(href):
    return unquote(urlparse(href).path)


def parse_multistatus(content):
    """[{href, status, props: {clark name: element}, propstatus: {clark name: code}}], token"""
    root = ET.fromstring(content)
    out = []
    for resp in root.findall("D:response", NS):
        href = resp.findtext("D:href", default="", namespaces=NS)
        st = resp.findtext("D:status", default="", namespaces=NS)
        item = {"href": path_of(href.strip()), "status": status_code(st), "props": {}, "propstatus": {},
                "elem": resp}
        for ps in resp.findall("D:propstat", NS):
            code = status_code(ps.findtext("D:status", default="", namespaces=NS))
            for prop in ps.find("D:prop", NS) or []:
                item["propstatus"][prop.tag] = code
                if code == 200:
                    item["props"][prop.tag] = prop
        out.append(item)
    token = root.findtext("D:sync-token", default=None, namespaces=NS)
    return out, token


def status_code(line):
    m = re.search(r"HTTP/\d(?:\.\d)?\s+(\d{3})", line or "")
    return int(m.group(1)) if m else None


def multistatus(desc, r):
    """Checks a 207 and parses it; None when it is not one."""
    if r.status_code != 207:
        fail("%s answered %s, not 207" % (desc, r.status_code))
        return None
    try:
        return parse_multistatus(r.content)
    except ET.ParseError as e:
        fail("%s: the multistatus does not parse: %s" % (desc, e))
        return None


def tag(ns, name):
    return "{%s}%s" % (ns, name)


# ------------------------------------------------------------------ vCards

def fold(line):
    """RFC 6350 folding at 75 octets (never inside a UTF-8 sequence)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, limit = [], 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74
    return "\r\n ".join(parts) + "\r\n"


def vcard(lines):
    return "".join(fold(l) for l in ["BEGIN:VCARD"] + lines + ["END:VCARD"])


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def card_props(text, name):
    """[(params dict (upper-case keys, values as written), value)] of property `name`."""
    out = []
    for line in unfold(text).splitlines():
        m = re.match(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", line)
        if not m or m.group(1).upper() != name.upper():
            continue
        params = {}
        for p in re.findall(r';([^;=]+)(?:=("[^"]*"|[^;]*))?', m.group(2)):
            params[p[0].upper()] = p[1].strip('"') if p[1] else ""
        out.append((params, m.group(3)))
    return out


def card_value(text, name):
    props = card_props(text, name)
    return props[0][1] if props else None


def photo_bytes(text):
    """The decoded bytes of the first PHOTO (3.0 ENCODING=b or a 4.0 data: URI)."""
    props = card_props(text, "PHOTO")
    if not props:
        return None
    params, value = props[0]
    if value.startswith("data:"):
        head, _, payload = value.partition(",")
        if ";base64" not in head:
            return None
        return base64.b64decode(payload)
    if params.get("ENCODING", "").lower() in ("b", "base64"):
        return base64.b64decode(value)
    return None


def fake_jpeg(seed, size):
    rnd = random.Random(seed)
    body = bytes(rnd.getrandbits(8) for _ in range(size - 4))
    return b"\xff\xd8\xff\xe0" + body[:-2] + b"\xff\xd9"


# ------------------------------------------------------------------ scenario

def main():
    global log_file
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--log")
    args = ap.parse_args()
    if args.log:
        log_file = open(args.log, "w", encoding="utf-8")
    dav = Dav(args.url if args.url.endswith("/") else args.url + "/", args.user, args.password)

    # -------------------------------------------------------------- discovery
    print("-- discovery", flush=True)
    r = dav.propfind("/.well-known/carddav", "<D:current-user-principal/>")
    check("PROPFIND /.well-known/carddav redirects (301/307/308)", r.status_code in (301, 307, 308),
          "got %s" % r.status_code)
    start = path_of(r.headers.get("Location", "")) or "/webdav/"
    expect_eq("the redirect points at /webdav/", "/webdav/", start)

    r = dav.propfind(start, "<D:current-user-principal/>")
    principal = None
    ms = multistatus("PROPFIND current-user-principal", r)
    if ms:
        cup = ms[0][0]["props"].get(tag(D, "current-user-principal"))
        href = cup.findtext("D:href", namespaces=NS) if cup is not None else None
        principal = path_of(href.strip()) if href else None
    expect_eq("current-user-principal", "/webdav/principals/%s/" % args.user, principal)
    principal = principal or "/webdav/principals/%s/" % args.user

    r = dav.propfind(quote(principal), "<CR:addressbook-home-set/><D:displayname/>")
    home = None
    ms = multistatus("PROPFIND addressbook-home-set", r)
    if ms:
        hs = ms[0][0]["props"].get(tag(CR, "addressbook-home-set"))
        href = hs.findtext("D:href", namespaces=NS) if hs is not None else None
        home = path_of(href.strip()) if href else None
    expect_eq("addressbook-home-set", "/webdav/%s/" % args.user, home)
    home = home or "/webdav/%s/" % args.user

    r = dav.propfind(quote(home), "<D:resourcetype/><D:displayname/><CR:supported-address-data/>"
                     "<D:sync-token/><CR:addressbook-description/>", depth="1")
    book = None
    ms = multistatus("PROPFIND Depth 1 of the home", r)
    if ms:
        books = {}
        for item in ms[0]:
            rt = item["props"].get(tag(D, "resourcetype"))
            if rt is not None and rt.find("CR:addressbook", NS) is not None:
                books[item["href"]] = item
        contacts = [h for h in books if h.rstrip("/").endswith("/Contacts")]
        if check("the home lists Contacts as an address book", len(contacts) == 1,
                 "address books: %r" % sorted(books)):
            book = contacts[0]
            item = books[book]
            sad = item["props"].get(tag(CR, "supported-address-data"))
            versions = sorted(e.get("version") or "" for e in (sad if sad is not None else []))
            check("Contacts: supported-address-data has vCard 3.0 and 4.0",
                  "3.0" in versions and "4.0" in versions, "got %r" % versions)
            check("Contacts: a sync-token", item["props"].get(tag(D, "sync-token")) is not None)
    book = book or home + "Contacts/"
    if not book.endswith("/"):
        book += "/"
    qbook = quote(book)

    # -------------------------------------------------------------- PUT
    print("-- PUT vCard 3.0 and 4.0 cards", flush=True)
    photo3 = fake_jpeg(3, 200 * 1024)
    photo4 = fake_jpeg(4, 200 * 1024)
    u = {k: str(uuid.uuid4()) for k in ("zoe", "bjorn", "carol", "dave", "group")}
    cards = {
        # href name: (vCard text, FN)
        "zoe.vcf": (vcard(["VERSION:3.0", "UID:" + u["zoe"], "FN:Zoë Ångström-Müller",
                           "N:Ångström-Müller;Zoë;;;", "EMAIL;TYPE=INTERNET,WORK:zoe@example.test",
                           "TEL;TYPE=CELL:+33 6 00 00 00 01", "ORG:Société Générale d'Essais",
                           "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(photo3).decode()]),
                    "Zoë Ångström-Müller"),
        "bjorn.vcf": (vcard(["VERSION:4.0", "UID:urn:uuid:" + u["bjorn"], "FN:Björn Øster 王小明",
                             "N:Øster;Björn;;;", "EMAIL;TYPE=home:bjorn@example.test",
                             "TEL;VALUE=uri;TYPE=cell:tel:+46-70-000-0002",
                             "PHOTO:data:image/jpeg;base64," + base64.b64encode(photo4).decode()]),
                      "Björn Øster 王小明"),
        "carol åkesson.vcf": (vcard(["VERSION:3.0", "UID:" + u["carol"], "FN:Carol Åkesson",
                                    "N:Åkesson;Carol;;;", "EMAIL;TYPE=INTERNET:carol@example.test",
                                    "NOTE:first version"]),
                              "Carol Åkesson"),
        "dave.vcf": (vcard(["VERSION:4.0", "UID:urn:uuid:" + u["dave"], "FN:Dave Smith",
                            "N:Smith;Dave;;;", "EMAIL:dave@example.org"]),
                     "Dave Smith"),
        "group.vcf": (vcard(["VERSION:4.0", "UID:urn:uuid:" + u["group"], "KIND:group",
                             "FN:Interop Team", "MEMBER:urn:uuid:" + u["zoe"],
                             "MEMBER:urn:uuid:" + u["bjorn"]]),
                      "Interop Team"),
    }
    href = {name: book + name for name in cards}
    etags = {}
    for name, (text, _) in cards.items():
        r = dav.req("PUT", quote(href[name]), text,
                    {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"})
        if check("PUT %s (%d bytes)" % (name, len(text.encode())), r.status_code == 201,
                 "got %s" % r.status_code):
            if r.headers.get("ETag"):
                etags[name] = r.headers["ETag"]

    r = dav.req("PUT", quote(book + "zoe-again.vcf"), cards["dave.vcf"][0],
                {"Content-Type": "text/vcard; charset=utf-8"})
    check("PUT of an existing UID at another href refused (409 or 403 no-uid-conflict)",
          r.status_code in (403, 409) and b"no-uid-conflict" in r.content,
          "got %s %s" % (r.status_code, short(r.content, 200)))

    r = dav.req("PUT", quote(href["dave.vcf"]), cards["dave.vcf"][0],
                {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"})
    expect_eq("PUT with If-None-Match: * on an existing card: 412", 412, r.status_code)

    for name, (text, fn) in cards.items():
        r = dav.req("GET", quote(href[name]))
        if r.status_code != 200:
            fail("GET %s answered %s" % (name, r.status_code))
            continue
        body = r.content.decode("utf-8", "replace")
        ctype = r.headers.get("Content-Type", "")
        good = ctype.startswith("text/vcard") and card_value(body, "FN") == fn
        if name in ("zoe.vcf", "bjorn.vcf"):
            good = good and photo_bytes(body) == (photo3 if name == "zoe.vcf" else photo4)
        check("GET %s: text/vcard, FN %r%s" % (name, fn, ", photo intact" if "PHOTO" in text else ""), good,
              "content-type %r, FN %r" % (ctype, card_value(body, "FN")))
        if r.headers.get("ETag") and name in etags:
            expect_eq("GET %s: same ETag as the PUT" % name, etags[name], r.headers["ETag"])
        elif r.headers.get("ETag"):
            etags[name] = r.headers["ETag"]

    # -------------------------------------------------------------- multiget
    print("-- addressbook-multiget", flush=True)

    def multiget(names, address_data="<CR:address-data/>", extra_hrefs=()):
        hrefs = "".join("<D:href>%s</D:href>" % quote(href[n]) for n in names)
        hrefs += "".join("<D:href>%s</D:href>" % quote(h) for h in extra_hrefs)
        body = ('<CR:addressbook-multiget xmlns:D="DAV:" xmlns:CR="%s"><D:prop><D:getetag/>%s</D:prop>%s'
                "</CR:addressbook-multiget>" % (CR, address_data, hrefs))
        ms = multistatus("addressbook-multiget", dav.report(qbook, body))
        if ms is None:
            return None
        res = {}
        for item in ms[0]:
            ad = item["props"].get(tag(CR, "address-data"))
            et = item["props"].get(tag(D, "getetag"))
            res[item["href"]] = {"status": item["status"] or (200 if item["props"] else None),
                                 "data": ad.text if ad is not None else None,
                                 "etag": et.text if et is not None else None}
        return res

    res = multiget(list(cards), extra_hrefs=[book + "missing.vcf"])
    if res is not None:
        for name, (text, fn) in cards.items():
            got = res.get(href[name])
            if not check("multiget: %s answered with address-data" % name, got and got["data"],
                         "got %r" % (got and {k: short(v, 100) for k, v in got.items()})):
                continue
            check("multiget: %s FN %r" % (name, fn), card_value(got["data"], "FN") == fn,
                  "got %r" % card_value(got["data"], "FN"))
            if name in etags:
                expect_eq("multiget: %s getetag equals the GET ETag" % name, etags[name], got["etag"])
            else:
                etags[name] = got["etag"]
        got = res.get(book + "missing.vcf")
        expect_eq("multiget: a missing href answers 404", 404, got and got["status"])
        g = res.get(href["group.vcf"])
        if g and g["data"]:
            members = sorted(v for _, v in card_props(g["data"], "MEMBER"))
            expect_eq("multiget: the group keeps its two members",
                      sorted(["urn:uuid:" + u["zoe"], "urn:uuid:" + u["bjorn"]]), members)
            expect_eq("multiget: the group keeps KIND:group", "group", (card_value(g["data"], "KIND") or "").lower())

    res = multiget(["zoe.vcf", "carol åkesson.vcf"], '<CR:address-data content-type="text/vcard" version="4.0"/>')
    if res is not None:
        z = (res.get(href["zoe.vcf"]) or {}).get("data") or ""
        expect_eq("multiget version 4.0 of a 3.0 card: VERSION:4.0", "4.0", card_value(z, "VERSION"))
        expect_eq("multiget version 4.0: FN kept", "Zoë Ångström-Müller", card_value(z, "FN"))
        pb = step_photo(z)
        check("multiget version 4.0: the 200 kB photo survives (same bytes)", pb == photo3,
              "photo property %r, decoded %s bytes" % (short(str(card_props(z, "PHOTO")[:1]), 200),
                                                      None if pb is None else len(pb)))
        c = (res.get(href["carol åkesson.vcf"]) or {}).get("data") or ""
        expect_eq("multiget version 4.0 of the other 3.0 card: VERSION:4.0", "4.0", card_value(c, "VERSION"))
        expect_eq("multiget version 4.0: EMAIL kept", "carol@example.test", card_value(c, "EMAIL"))

    res = multiget(["bjorn.vcf", "group.vcf"], '<CR:address-data content-type="text/vcard" version="3.0"/>')
    if res is not None:
        b = (res.get(href["bjorn.vcf"]) or {}).get("data") or ""
        expect_eq("multiget version 3.0 of a 4.0 card: VERSION:3.0", "3.0", card_value(b, "VERSION"))
        expect_eq("multiget version 3.0: FN kept", "Björn Øster 王小明", card_value(b, "FN"))
        pb = step_photo(b)
        check("multiget version 3.0: the 200 kB photo survives (same bytes)", pb == photo4,
              "photo property %r, decoded %s bytes" % (short(str(card_props(b, "PHOTO")[:1]), 200),
                                                      None if pb is None else len(pb)))
        check("multiget version 3.0: no 4.0-only data: URI left in the photo",
              not any(v.startswith("data:") for _, v in card_props(b, "PHOTO")))
        g = (res.get(href["group.vcf"]) or {}).get("data") or ""
        expect_eq("multiget version 3.0 of the 4.0 group: VERSION:3.0", "3.0", card_value(g, "VERSION"))
        check("multiget version 3.0 of the group: both member UIDs still there",
              u["zoe"] in g and u["bjorn"] in g, "card: %s" % short(g, 600))

    res = multiget(["zoe.vcf"], '<CR:address-data><CR:prop name="FN"/><CR:prop name="EMAIL"/></CR:address-data>')
    if res is not None:
        z = (res.get(href["zoe.vcf"]) or {}).get("data") or ""
        check("multiget with <CR:prop name=FN/EMAIL>: FN and EMAIL, no PHOTO",
              card_value(z, "FN") == "Zoë Ångström-Müller" and card_value(z, "EMAIL") == "zoe@example.test"
              and not card_props(z, "PHOTO"), "card: %s" % short(z, 400))

    # -------------------------------------------------------------- query
    print("-- addressbook-query", flush=True)

    def query(filt, limit=None, props="<D:getetag/>"):
        lim = "<CR:limit><CR:nresults>%d</CR:nresults></CR:limit>" % limit if limit else ""
        body = ('<CR:addressbook-query xmlns:D="DAV:" xmlns:CR="%s"><D:prop>%s</D:prop>'
                "<CR:filter>%s</CR:filter>%s</CR:addressbook-query>" % (CR, props, filt, lim))
        ms = multistatus("addressbook-query", dav.report(qbook, body))
        return ms[0] if ms else None

    def fn_contains(text, collation="i;unicode-casemap"):
        return ('<CR:prop-filter name="FN"><CR:text-match collation="%s" match-type="contains">%s'
                "</CR:text-match></CR:prop-filter>" % (collation, text))

    def names_of(items):
        rev = {v: k for k, v in href.items()}
        return sorted(rev.get(i["href"], i["href"]) for i in items if i["href"] != book)

    items = query(fn_contains("ÅNGSTRÖM"))
    if items is not None:
        expect_eq("query FN contains 'ÅNGSTRÖM' (Unicode, case-insensitive)", ["zoe.vcf"], names_of(items))
    items = query(fn_contains("smith"))
    if items is not None:
        expect_eq("query FN contains 'smith' (case-insensitive)", ["dave.vcf"], names_of(items))
    items = query(fn_contains("王小明"))
    if items is not None:
        expect_eq("query FN contains '王小明'", ["bjorn.vcf"], names_of(items))
    items = query(fn_contains("ö"), props="<D:getetag/><CR:address-data/>")
    if items is not None:
        expect_eq("query FN contains 'ö' (with address-data)", ["bjorn.vcf", "zoe.vcf"], names_of(items))
        check("query results carry address-data",
              all(i["props"].get(tag(CR, "address-data")) is not None for i in items if i["href"] != book))
    items = query('<CR:prop-filter name="EMAIL"><CR:text-match collation="i;unicode-casemap" '
                  'match-type="equals">carol@example.test</CR:text-match></CR:prop-filter>')
    if items is not None:
        expect_eq("query EMAIL equals carol@example.test", ["carol åkesson.vcf"], names_of(items))
    items = query('<CR:prop-filter name="EMAIL"><CR:text-match collation="i;unicode-casemap" '
                  'match-type="equals">CAROL@EXAMPLE.TEST</CR:text-match></CR:prop-filter>')
    if items is not None:
        expect_eq("query EMAIL equals CAROL@EXAMPLE.TEST (case-insensitive)", ["carol åkesson.vcf"], names_of(items))
    items = query('<CR:prop-filter name="EMAIL"><CR:text-match collation="i;unicode-casemap" '
                  'match-type="equals">carol@example</CR:text-match></CR:prop-filter>')
    if items is not None:
        expect_eq("query EMAIL equals a prefix matches nothing", [], names_of(items))
    items = query('<CR:prop-filter name="EMAIL"><CR:text-match match-type="ends-with">@example.test'
                  "</CR:text-match></CR:prop-filter>")
    if items is not None:
        expect_eq("query EMAIL ends-with @example.test", ["bjorn.vcf", "carol åkesson.vcf", "zoe.vcf"], names_of(items))

    items = query('<CR:prop-filter name="FN"/>', limit=2)
    if items is not None:
        cards_back = [i for i in items if i["href"] != book]
        trunc = [i for i in items if i["href"] == book]
        expect_eq("query with limit 2 of 5 matches: 2 cards", 2, len(cards_back))
        check("query with limit: a 507 response on the address book",
              len(trunc) == 1 and trunc[0]["status"] == 507,
              "responses %r" % [(i["href"], i["status"]) for i in items])
        check("the 507 response carries DAV:number-of-matches-within-limits",
              len(trunc) == 1 and trunc[0]["elem"].find(".//D:number-of-matches-within-limits", NS) is not None)
    items = query('<CR:prop-filter name="FN"/>', limit=10)
    if items is not None:
        expect_eq("query with limit 10 of 5 matches: all 5, no 507", sorted(cards), names_of(items))
        check("query with limit 10: no 507", not any(i["status"] == 507 for i in items))

    # -------------------------------------------------------------- sync-collection
    print("-- sync-collection", flush=True)

    def sync(token):
        body = ('<D:sync-collection xmlns:D="DAV:"><D:sync-token>%s</D:sync-token><D:sync-level>1</D:sync-level>'
                "<D:prop><D:getetag/></D:prop></D:sync-collection>" % (token or ""))
        return dav.report(qbook, body, depth="0")

    ms = multistatus("initial sync-collection", sync(None))
    token1 = None
    if ms:
        items, token1 = ms
        expect_eq("initial sync: the 5 cards", sorted(cards), names_of([i for i in items if i["status"] != 404]))
        check("initial sync: a sync-token", bool(token1))
        et = {i["href"]: (i["props"].get(tag(D, "getetag")).text if i["props"].get(tag(D, "getetag")) is not None
                          else None) for i in items}
        expect_eq("initial sync: the ETags are those of GET",
                  {href[n]: etags.get(n) for n in cards}, {h: et.get(h) for h in (href[n] for n in cards)})

    # edit carol (If-Match), delete dave (If-Match)
    carol = href["carol åkesson.vcf"]
    old_carol = etags.get("carol åkesson.vcf")
    new_text = cards["carol åkesson.vcf"][0].replace("NOTE:first version", "NOTE:second version — édité")
    r = dav.req("PUT", quote(carol), new_text, {"Content-Type": "text/vcard; charset=utf-8", "If-Match": old_carol or '"x"'})
    check("PUT with the current ETag in If-Match: 204 (or 200)", r.status_code in (200, 204), "got %s" % r.status_code)
    new_carol = r.headers.get("ETag")
    r = dav.req("GET", quote(carol))
    if new_carol:
        expect_eq("GET after the edit: the ETag of the PUT", new_carol, r.headers.get("ETag"))
    new_carol = r.headers.get("ETag")
    check("the edit changed the ETag", new_carol and new_carol != old_carol, "%r -> %r" % (old_carol, new_carol))
    expect_eq("GET after the edit: new NOTE", "second version — édité", card_value(r.content.decode("utf-8", "replace"), "NOTE"))

    r = dav.req("DELETE", quote(href["dave.vcf"]), headers={"If-Match": etags.get("dave.vcf") or '"x"'})
    check("DELETE with the current ETag in If-Match: 204 (or 200)", r.status_code in (200, 204), "got %s" % r.status_code)
    expect_eq("GET of the deleted card: 404", 404, dav.req("GET", quote(href["dave.vcf"])).status_code)

    if token1:
        ms = multistatus("incremental sync-collection", sync(token1))
        if ms:
            items, token2 = ms
            got = sorted((i["href"], i["status"] or 200) for i in items)
            expect_eq("incremental sync: carol changed (200), dave deleted (404), nothing else",
                      sorted([(carol, 200), (href["dave.vcf"], 404)]), got)
            c = [i for i in items if i["href"] == carol]
            if c and c[0]["props"].get(tag(D, "getetag")) is not None:
                expect_eq("incremental sync: carol's new ETag", new_carol, c[0]["props"][tag(D, "getetag")].text)
            check("incremental sync: a new sync-token", token2 and token2 != token1, "%r -> %r" % (token1, token2))
            if token2:
                ms = multistatus("sync-collection with the newest token", sync(token2))
                if ms:
                    expect_eq("sync with the newest token: nothing", [], [(i["href"], i["status"]) for i in ms[0]])
        r = sync(token1 + "-not-a-token" if not token1.startswith("http") else "http://example.test/bogus")
        check("sync-collection with an unknown token: 403 DAV:valid-sync-token",
              r.status_code == 403 and b"valid-sync-token" in r.content, "got %s" % r.status_code)

    # -------------------------------------------------------------- preconditions
    print("-- If-Match conflicts", flush=True)
    r = dav.req("PUT", quote(carol), cards["carol åkesson.vcf"][0],
                {"Content-Type": "text/vcard; charset=utf-8", "If-Match": old_carol or '"stale"'})
    expect_eq("PUT with a stale ETag in If-Match: 412", 412, r.status_code)
    r = dav.req("DELETE", quote(carol), headers={"If-Match": old_carol or '"stale"'})
    expect_eq("DELETE with a stale ETag in If-Match: 412", 412, r.status_code)
    r = dav.req("GET", quote(carol))
    check("after the refused writes the card is unchanged",
          r.status_code == 200 and card_value(r.content.decode("utf-8", "replace"), "NOTE") == "second version — édité"
          and r.headers.get("ETag") == new_carol, "status %s, ETag %r" % (r.status_code, r.headers.get("ETag")))
    r = dav.req("PUT", quote(book + "new-with-if-match.vcf"), cards["dave.vcf"][0],
                {"Content-Type": "text/vcard; charset=utf-8", "If-Match": '"anything"'})
    expect_eq("PUT with If-Match on a card that does not exist: 412", 412, r.status_code)

    # -------------------------------------------------------------- extended MKCOL
    print("-- extended MKCOL of a second address book", flush=True)
    second = home + "Interop Book/"
    body = (XML_HEAD + '<D:mkcol xmlns:D="DAV:" xmlns:CR="%s"><D:set><D:prop><D:resourcetype><D:collection/>'
            "<CR:addressbook/></D:resourcetype><D:displayname>Interop Böök</D:displayname>"
            "</D:prop></D:set></D:mkcol>" % CR)
    r = dav.req("MKCOL", quote(second), body, {"Content-Type": "application/xml; charset=utf-8"})
    if expect_eq("extended MKCOL of an address book: 201", 201, r.status_code):
        ms = multistatus("PROPFIND Depth 1 of the home", dav.propfind(quote(home), "<D:resourcetype/><D:displayname/>", "1"))
        if ms:
            it = [i for i in ms[0] if i["href"] == second]
            rt = it and it[0]["props"].get(tag(D, "resourcetype"))
            dn = it and it[0]["props"].get(tag(D, "displayname"))
            check("the new address book is listed with resourcetype addressbook and its displayname",
                  rt is not None and rt != [] and rt.find("CR:addressbook", NS) is not None
                  and dn is not None and dn.text == "Interop Böök",
                  "found %r" % [i["href"] for i in ms[0]])
        r = dav.req("PUT", quote(second + "dave.vcf"), cards["dave.vcf"][0], {"Content-Type": "text/vcard; charset=utf-8"})
        expect_eq("PUT of a card (same UID as in Contacts, other book) into it: 201", 201, r.status_code)
        r = dav.req("DELETE", quote(second))
        check("DELETE of the second address book", r.status_code in (200, 204), "got %s" % r.status_code)


def step_photo(text):
    try:
        return photo_bytes(text)
    except Exception as e:  # noqa: BLE001
        print("     photo does not decode: %s" % e)
        return None


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001
        fail("scenario stopped: %s: %s" % (type(e).__name__, e))
        traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)
