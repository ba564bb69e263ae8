#!/usr/bin/python3
"""A CalDAV client scenario run with the python `caldav` library (Debian python3-caldav).

Run by caldav-python.sh against a server it starts; can also be run by hand:

    /usr/bin/python3 caldav_scenario.py --url http://127.0.0.1:8080/ \
        --user litmus@example.test --password secret123 [--log debug.log]

Discovers the account from the bare server URL, lists the calendars, creates one, saves
events (a single one, an all-day one, a weekly one with an EXDATE and a moved instance, a
weekly one in Europe/Paris across the DST change), searches time ranges with and without
server-side expansion and compares against expectations computed here with dateutil,
works with todos and a journal, edits, deletes, and follows sync tokens.

Every check prints `ok   ...` or `FAIL ...`; the last line is `N passed, N failed`; the
exit status is 1 when a check failed. On a failure the last HTTP exchanges the library
made are printed (full debug log of the library: --log).
"""

import argparse
import collections
import datetime as dt
import logging
import sys
import traceback
import uuid
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

import caldav
import icalendar
from caldav.lib import error as caldav_error
from dateutil import rrule

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")

passed = 0
failed = 0
recent = collections.deque(maxlen=12)  # last debug records of the caldav library


class RingHandler(logging.Handler):
    def emit(self, record):
        try:
            msg = record.getMessage()
        except Exception:  # pragma: no cover
            msg = str(record.msg)
        if isinstance(msg, bytes):
            msg = msg.decode("utf-8", "replace")
        recent.append(msg[:1500])


def show_recent():
    print("     ---- last requests/responses of the caldav library:")
    for msg in list(recent)[-8:]:
        for line in msg.splitlines()[:40]:
            print("     | " + line)
    print("     ----")


def ok(desc):
    global passed
    passed += 1
    print("ok   " + desc, flush=True)


def fail(desc):
    global failed
    failed += 1
    print("FAIL " + desc, flush=True)
    show_recent()


def check(desc, cond, detail=""):
    if cond:
        ok(desc)
    else:
        fail(desc + (" (" + detail + ")" if detail else ""))
    return bool(cond)


def expect_eq(desc, expected, actual):
    return check(desc, expected == actual, "expected %r, got %r" % (expected, actual))


def step(desc, fn, *args, **kwargs):
    """Runs fn; an exception counts as a failure (and returns None)."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001
        fail("%s raised %s: %s" % (desc, type(e).__name__, str(e)[:800]))
        traceback.print_exc(limit=3, file=sys.stdout)
        return None


def attempt(desc, fn, *args, **kwargs):
    """Like step, for calls whose value does not matter: True when fn did not raise."""
    try:
        fn(*args, **kwargs)
        return True
    except Exception as e:  # noqa: BLE001
        fail("%s raised %s: %s" % (desc, type(e).__name__, str(e)[:800]))
        traceback.print_exc(limit=3, file=sys.stdout)
        return False


# ------------------------------------------------------------------ helpers

def path_of(url):
    return unquote(urlparse(str(url)).path)


def ical_components(data, name):
    cal = icalendar.Calendar.from_ical(data)
    return [c for c in cal.walk() if c.name == name]


def as_utc(value):
    """A DTSTART/RECURRENCE-ID value as an aware UTC datetime (dates stay dates)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return value


def component_summary(obj, name):
    comps = ical_components(obj.data, name)
    return str(comps[0].get("summary")) if comps else None


VTIMEZONE_PARIS = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def vcal(body):
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Partage interop//caldav-python//EN\n" + body + "END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


# ------------------------------------------------------------------ the test data

STAMP = "20240101T000000Z"
RUN = uuid.uuid4().hex[:8]

# A single meeting in the search window
SINGLE_UID = "single-%s@interop" % RUN
SINGLE_START = dt.datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
SINGLE_ICS = vcal(f"""BEGIN:VEVENT
UID:{SINGLE_UID}
DTSTAMP:{STAMP}
DTSTART:20240305T100000Z
DTEND:20240305T110000Z
SUMMARY:Single meeting
END:VEVENT
""")

# All day on 2024-03-15
ALLDAY_UID = "allday-%s@interop" % RUN
ALLDAY_ICS = vcal(f"""BEGIN:VEVENT
UID:{ALLDAY_UID}
DTSTAMP:{STAMP}
DTSTART;VALUE=DATE:20240315
DTEND;VALUE=DATE:20240316
SUMMARY:All-day workshop
TRANSP:TRANSPARENT
END:VEVENT
""")

# Outside every window searched here
LATER_UID = "later-%s@interop" % RUN
LATER_ICS = vcal(f"""BEGIN:VEVENT
UID:{LATER_UID}
DTSTAMP:{STAMP}
DTSTART:20240501T120000Z
DTEND:20240501T130000Z
SUMMARY:May meeting
END:VEVENT
""")

# Weekly on Mondays 09:00Z from 2024-03-04, 10 occurrences, 2024-03-18 excluded,
# 2024-03-25 moved to Tuesday 2024-03-26 14:00Z with its own summary.
WEEKLY_UID = "weekly-%s@interop" % RUN
WEEKLY_DTSTART = dt.datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
WEEKLY_COUNT = 10
WEEKLY_EXDATE = dt.datetime(2024, 3, 18, 9, 0, tzinfo=UTC)
WEEKLY_OVERRIDE_RID = dt.datetime(2024, 3, 25, 9, 0, tzinfo=UTC)
WEEKLY_OVERRIDE_START = dt.datetime(2024, 3, 26, 14, 0, tzinfo=UTC)
WEEKLY_ICS = vcal(f"""BEGIN:VEVENT
UID:{WEEKLY_UID}
DTSTAMP:{STAMP}
DTSTART:20240304T090000Z
DTEND:20240304T093000Z
RRULE:FREQ=WEEKLY;COUNT={WEEKLY_COUNT}
EXDATE:20240318T090000Z
SUMMARY:Weekly sync
END:VEVENT
BEGIN:VEVENT
UID:{WEEKLY_UID}
DTSTAMP:{STAMP}
RECURRENCE-ID:20240325T090000Z
DTSTART:20240326T140000Z
DTEND:20240326T143000Z
SUMMARY:Weekly sync (moved)
END:VEVENT
""")

# Weekly on Thursdays 09:00 Europe/Paris from 2024-03-28, 3 occurrences: crosses the
# change to summer time on 2024-03-31 (08:00Z, then 07:00Z).
PARIS_UID = "paris-%s@interop" % RUN
PARIS_DTSTART = dt.datetime(2024, 3, 28, 9, 0, tzinfo=PARIS)
PARIS_COUNT = 3
PARIS_ICS = vcal(VTIMEZONE_PARIS + f"""BEGIN:VEVENT
UID:{PARIS_UID}
DTSTAMP:{STAMP}
DTSTART;TZID=Europe/Paris:20240328T090000
DTEND;TZID=Europe/Paris:20240328T100000
RRULE:FREQ=WEEKLY;COUNT={PARIS_COUNT}
SUMMARY:Paris standup
END:VEVENT
""")

WINDOW_START = dt.datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
WINDOW_END = dt.datetime(2024, 4, 8, 0, 0, tzinfo=UTC)


def expected_instances(start, end):
    """{uid: sorted list of (UTC start, summary)} of the instances overlapping [start, end),
    computed with dateutil from the definitions above (not from the server)."""
    out = {}

    def add(uid, s, e, summary):
        if s < end and e > start:
            out.setdefault(uid, []).append((s, summary))

    add(SINGLE_UID, SINGLE_START, SINGLE_START + dt.timedelta(hours=1), "Single meeting")
    add(LATER_UID, dt.datetime(2024, 5, 1, 12, tzinfo=UTC), dt.datetime(2024, 5, 1, 13, tzinfo=UTC),
        "May meeting")
    # all-day, floating: the day in UTC
    add(ALLDAY_UID, dt.datetime(2024, 3, 15, tzinfo=UTC), dt.datetime(2024, 3, 16, tzinfo=UTC),
        "All-day workshop")
    for s in rrule.rrule(rrule.WEEKLY, dtstart=WEEKLY_DTSTART, count=WEEKLY_COUNT):
        if s == WEEKLY_EXDATE:
            continue
        if s == WEEKLY_OVERRIDE_RID:
            add(WEEKLY_UID, WEEKLY_OVERRIDE_START, WEEKLY_OVERRIDE_START + dt.timedelta(minutes=30),
                "Weekly sync (moved)")
        else:
            add(WEEKLY_UID, s, s + dt.timedelta(minutes=30), "Weekly sync")
    naive = PARIS_DTSTART.replace(tzinfo=None)
    for s in rrule.rrule(rrule.WEEKLY, dtstart=naive, count=PARIS_COUNT):
        su = s.replace(tzinfo=PARIS).astimezone(UTC)
        add(PARIS_UID, su, su + dt.timedelta(hours=1), "Paris standup")
    for v in out.values():
        v.sort()
    return out


def instance_key(comp):
    """(UTC start, summary) of an expanded VEVENT from the server."""
    start = comp.get("dtstart").dt
    if isinstance(start, dt.date) and not isinstance(start, dt.datetime):
        start = dt.datetime(start.year, start.month, start.day, tzinfo=UTC)
    return (as_utc(start), str(comp.get("summary")))


# ------------------------------------------------------------------ raw REPORT helper

def raw_query(cal, start, end, expand):
    """Sends the calendar-query the library builds, returns {href: calendar-data} exactly as
    the server answered (the library's search() would expand on the client side when the
    server did not)."""
    xml, _ = cal.build_search_xml_query(event=True, start=start, end=end, expand=expand)
    response = cal._query(xml, 1, "report")
    results = response.expand_simple_props([caldav.elements.cdav.CalendarData()])
    out = {}
    for href, props in results.items():
        data = props.get(caldav.elements.cdav.CalendarData.tag)
        if data is not None:
            out[path_of(href)] = data
    return out


def check_window(cal, label, start, end):
    """Compares a time-range query with and without expansion against expectations."""
    exp = expected_instances(start, end)
    exp_uids = sorted(exp)
    n_instances = sum(len(v) for v in exp.values())

    # without expansion: one object per UID (master + overrides together)
    objs = step(label + ": search expand=False", cal.search, start=start, end=end, event=True, expand=False)
    if objs is not None:
        uids = sorted(str(ical_components(o.data, "VEVENT")[0].get("uid")) for o in objs)
        expect_eq("%s: search without expansion returns %d objects (the UIDs expected)" % (label, len(exp_uids)),
                  exp_uids, uids)
        for o in objs:
            uid = str(ical_components(o.data, "VEVENT")[0].get("uid"))
            if uid == WEEKLY_UID:
                comps = ical_components(o.data, "VEVENT")
                has_rrule = any(c.get("rrule") is not None for c in comps)
                has_override = any(c.get("recurrence-id") is not None for c in comps)
                check("%s: unexpanded weekly event keeps RRULE and its overridden instance" % label,
                      has_rrule and has_override, "rrule=%s override=%s" % (has_rrule, has_override))

    # with expansion, as the server answers it
    raw = step(label + ": raw calendar-query with expand", raw_query, cal, start, end, True)
    if raw is not None:
        got = {}
        leftovers = []
        for href, data in raw.items():
            for comp in ical_components(data, "VEVENT"):
                for prop in ("rrule", "rdate", "exdate"):
                    if comp.get(prop) is not None:
                        leftovers.append("%s has %s" % (href, prop.upper()))
                start_prop = comp.get("dtstart")
                if isinstance(start_prop.dt, dt.datetime) and start_prop.dt.tzinfo is not None \
                        and start_prop.dt.utcoffset() != dt.timedelta(0):
                    leftovers.append("%s DTSTART not in UTC: %s" % (href, start_prop.to_ical().decode()))
                got.setdefault(str(comp.get("uid")), []).append(instance_key(comp))
        for v in got.values():
            v.sort()
        check("%s: server-side expand returns no RRULE/RDATE/EXDATE and UTC times" % label,
              not leftovers, "; ".join(leftovers[:5]))
        expect_eq("%s: server-side expand returns exactly the %d expected instances" % (label, n_instances),
                  exp, got)
        if WEEKLY_UID in exp:
            recurring_hrefs = [h for h, d in raw.items() if WEEKLY_UID in d]
            ok_rid = True
            for h in recurring_hrefs:
                for comp in ical_components(raw[h], "VEVENT"):
                    if comp.get("recurrence-id") is None:
                        ok_rid = False
            check("%s: every expanded weekly instance carries a RECURRENCE-ID" % label, ok_rid)

    # with expansion through the library (split into one object per instance)
    objs = step(label + ": search expand=True", cal.search, start=start, end=end, event=True, expand=True)
    if objs is not None:
        got = sorted(instance_key(ical_components(o.data, "VEVENT")[0]) for o in objs)
        want = sorted(x for v in exp.values() for x in v)
        expect_eq("%s: search(expand=True) gives %d instances at the expected times" % (label, len(want)),
                  want, got)


# ------------------------------------------------------------------ the scenario

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="bare server URL, e.g. http://127.0.0.1:8080/")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--log", help="file for the caldav library's debug log")
    args = ap.parse_args()

    root_logger = logging.getLogger("caldav")
    root_logger.setLevel(logging.DEBUG)
    root_logger.addHandler(RingHandler())
    if args.log:
        fh = logging.FileHandler(args.log)
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        root_logger.addHandler(fh)
    root_logger.propagate = False

    user = args.user
    home_path = "/webdav/%s/" % user
    principal_path = "/webdav/principals/%s/" % user

    print("-- discovery from %s" % args.url, flush=True)
    client = caldav.DAVClient(url=args.url, username=user, password=args.password, timeout=30)
    principal = step("principal() from the bare server URL", client.principal)
    if principal is None:
        # try the documented fallback so the rest can still run
        client = caldav.DAVClient(url=args.url.rstrip("/") + "/.well-known/caldav", username=user,
                                  password=args.password, timeout=30)
        principal = step("principal() from /.well-known/caldav", client.principal)
        if principal is None:
            return
    expect_eq("principal URL", principal_path, path_of(principal.url))
    # /.well-known/caldav (RFC 6764): a redirect to where PROPFIND finds the principal
    import requests
    wk_url = args.url.rstrip("/") + "/.well-known/caldav"
    cup_body = ('<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
                '<D:prop><D:current-user-principal/></D:prop></D:propfind>')
    r = step("PROPFIND /.well-known/caldav", requests.request, "PROPFIND", wk_url, data=cup_body,
             headers={"Depth": "0", "Content-Type": "application/xml"}, auth=(user, args.password),
             allow_redirects=False, timeout=30)
    if r is not None:
        loc = r.headers.get("Location", "")
        check("/.well-known/caldav redirects to /webdav/", r.status_code in (301, 302, 307, 308)
              and urlparse(loc).path == "/webdav/", "status %s, Location %r" % (r.status_code, loc))
        r2 = step("PROPFIND the redirect target", requests.request, "PROPFIND", requests.compat.urljoin(wk_url, loc),
                  data=cup_body, headers={"Depth": "0", "Content-Type": "application/xml"},
                  auth=(user, args.password), timeout=30)
        if r2 is not None:
            check("the redirect target names the principal (current-user-principal)",
                  r2.status_code == 207 and principal_path in unquote(r2.text), "%s %s" % (r2.status_code, r2.text[:300]))
        # caldav 0.11 pointed at the well-known URL follows the redirect with python-requests,
        # which drops the request body on 301/302 (not on 307/308): the PROPFIND arrives empty
        # (allprop) and no principal is found. Informational only.
        wk_client = caldav.DAVClient(url=wk_url, username=user, password=args.password, timeout=30)
        try:
            wk = wk_client.principal()
            found = path_of(wk.url)
        except Exception as e:  # noqa: BLE001
            found = "%s: %s" % (type(e).__name__, e)
        if found == principal_path:
            print("     note: caldav principal() from /.well-known/caldav works", flush=True)
        else:
            print("     note: caldav principal() from /.well-known/caldav found %r, not the principal: "
                  "the redirect is %s and python-requests re-sends PROPFIND without its body on 301/302 "
                  "(a 308 keeps it)" % (found, r.status_code), flush=True)
    home = step("calendar_home_set", lambda: principal.calendar_home_set)
    if home is not None:
        expect_eq("calendar-home-set", home_path, path_of(home.url))

    print("-- calendars", flush=True)
    cals = step("principal.calendars()", principal.calendars) or []
    by_name = {}
    for c in cals:
        by_name[path_of(c.url).rstrip("/").rsplit("/", 1)[-1]] = c
    for name in ("Calendar", "Tasks", "Notes"):
        check("calendar collection %s/ found from calendar-home-set" % name, name in by_name,
              "found %r" % sorted(by_name))
    for name, comp in (("Calendar", "VEVENT"), ("Tasks", "VTODO"), ("Notes", "VJOURNAL")):
        if name in by_name:
            comps = step("supported components of %s" % name, by_name[name].get_supported_components)
            if comps is not None:
                check("%s supports %s" % (name, comp), comp in comps, "got %r" % comps)
    # what the library (and clients showing a name) use: DAV:displayname
    for name in ("Calendar", "Tasks", "Notes"):
        if name in by_name:
            shown = step("displayname of %s" % name, by_name[name].get_display_name)
            check("%s/ has a DAV:displayname (principal.calendar(name=%r) finds it)" % (name, name),
                  shown is not None, "PROPFIND displayname answered %r" % (shown,))

    print("-- make_calendar", flush=True)
    cal_id = "interop-py-%s" % RUN
    cal_name = "Interop Python %s" % RUN
    cal = step("make_calendar", principal.make_calendar, name=cal_name, cal_id=cal_id,
               supported_calendar_component_set=["VEVENT"])
    if cal is None:
        return
    expect_eq("new calendar URL", home_path + cal_id + "/", path_of(cal.url))
    names = [step("display name", c.get_display_name) for c in (step("calendars()", principal.calendars) or [])]
    check("new calendar listed with its display name", cal_name in names, "got %r" % names)
    comps = step("supported components of the new calendar", cal.get_supported_components)
    if comps is not None:
        expect_eq("new calendar supports VEVENT only", ["VEVENT"], comps)

    print("-- save events", flush=True)
    saved = {}
    for label, uid, ics in (("single", SINGLE_UID, SINGLE_ICS), ("all-day", ALLDAY_UID, ALLDAY_ICS),
                            ("later", LATER_UID, LATER_ICS), ("weekly recurring with EXDATE and override", WEEKLY_UID, WEEKLY_ICS),
                            ("Europe/Paris weekly across DST", PARIS_UID, PARIS_ICS)):
        ev = step("save_event %s" % label, cal.save_event, ics)
        if ev is not None:
            saved[uid] = ev
            ok("save_event %s" % label)
    events = step("calendar.events()", cal.events) or []
    expect_eq("events() lists the 5 saved events", 5, len(events))
    ev = step("event_by_uid weekly", cal.event_by_uid, WEEKLY_UID)
    if ev is not None:
        comps = ical_components(ev.data, "VEVENT")
        expect_eq("weekly event read back with master + 1 override", 2, len(comps))
        master = [c for c in comps if c.get("recurrence-id") is None]
        if master:
            exd = master[0].get("exdate")
            exds = exd if isinstance(exd, list) else [exd]
            vals = [as_utc(d.dt) for e in exds if e is not None for d in e.dts]
            expect_eq("weekly event EXDATE read back", [WEEKLY_EXDATE], vals)
    ev = step("event_by_uid all-day", cal.event_by_uid, ALLDAY_UID)
    if ev is not None:
        start = ical_components(ev.data, "VEVENT")[0].get("dtstart").dt
        check("all-day event read back as a DATE", type(start) is dt.date, "got %r" % (start,))

    print("-- time-range searches", flush=True)
    check_window(cal, "March 1 - April 8", WINDOW_START, WINDOW_END)
    # only the moved instance of the weekly event is in this window
    check_window(cal, "Mar 26 13:00-15:00Z (moved instance only)",
                 dt.datetime(2024, 3, 26, 13, tzinfo=UTC), dt.datetime(2024, 3, 26, 15, tzinfo=UTC))
    # the excluded Monday and the original slot of the moved one: nothing
    check_window(cal, "Mar 18 08:00-10:00Z (EXDATE)",
                 dt.datetime(2024, 3, 18, 8, tzinfo=UTC), dt.datetime(2024, 3, 18, 10, tzinfo=UTC))
    check_window(cal, "Mar 25 08:00-10:00Z (overridden slot)",
                 dt.datetime(2024, 3, 25, 8, tzinfo=UTC), dt.datetime(2024, 3, 25, 10, tzinfo=UTC))
    # Paris event after the DST change: 07:00Z, not 08:00Z
    check_window(cal, "Apr 4 06:30-07:30Z (Paris after DST)",
                 dt.datetime(2024, 4, 4, 6, 30, tzinfo=UTC), dt.datetime(2024, 4, 4, 7, 30, tzinfo=UTC))
    check_window(cal, "Apr 4 07:30-08:30Z (Paris wrong offset)",
                 dt.datetime(2024, 4, 4, 7, 30, tzinfo=UTC), dt.datetime(2024, 4, 4, 8, 30, tzinfo=UTC))
    # date_search: the older API (expands when an end is given, objects not split)
    objs = step("date_search", cal.date_search, WINDOW_START, WINDOW_END)
    if objs is not None:
        expect_eq("date_search over the window returns 4 objects", 4, len(objs))

    print("-- free-busy", flush=True)
    fb = step("freebusy_request", cal.freebusy_request, dt.datetime(2024, 3, 4, tzinfo=UTC),
              dt.datetime(2024, 3, 12, tzinfo=UTC))
    if fb is not None:
        periods = []
        for line in fb.data.replace("\r\n ", "").splitlines():
            if not line.upper().startswith("FREEBUSY"):
                continue
            for per in line.split(":", 1)[1].split(","):
                a, b = per.strip().split("/")
                s = dt.datetime.strptime(a, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                if b.startswith("P"):
                    e = s + icalendar.vDuration.from_ical(b)
                else:
                    e = dt.datetime.strptime(b, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                periods.append((s, e))
        periods.sort()
        want = [(dt.datetime(2024, 3, 4, 9, tzinfo=UTC), dt.datetime(2024, 3, 4, 9, 30, tzinfo=UTC)),
                (dt.datetime(2024, 3, 5, 10, tzinfo=UTC), dt.datetime(2024, 3, 5, 11, tzinfo=UTC)),
                (dt.datetime(2024, 3, 11, 9, tzinfo=UTC), dt.datetime(2024, 3, 11, 9, 30, tzinfo=UTC))]
        expect_eq("free-busy Mar 4-12: the 3 busy periods", want, periods)

    print("-- todos in Tasks", flush=True)
    tasks = by_name.get("Tasks")
    if tasks is None:
        fail("no Tasks calendar: todo checks skipped")
    else:
        t1 = step("save_todo 1", tasks.save_todo, vcal(f"""BEGIN:VTODO
UID:todo1-{RUN}@interop
DTSTAMP:{STAMP}
DUE:20240310T120000Z
SUMMARY:Buy milk {RUN}
END:VTODO
"""))
        t2 = step("save_todo 2", tasks.save_todo, vcal(f"""BEGIN:VTODO
UID:todo2-{RUN}@interop
DTSTAMP:{STAMP}
DTSTART:20240301T090000Z
DUE:20240320T170000Z
SUMMARY:Write report {RUN}
STATUS:NEEDS-ACTION
END:VTODO
"""))
        mine = lambda lst: sorted(component_summary(t, "VTODO") for t in lst if RUN in (t.data or ""))
        got = step("tasks.todos()", tasks.todos)
        if got is not None:
            expect_eq("todos() lists the 2 pending todos", ["Buy milk %s" % RUN, "Write report %s" % RUN], mine(got))
        got = step("search(todo=True, start, end)", tasks.search, todo=True,
                   start=dt.datetime(2024, 3, 15, tzinfo=UTC), end=dt.datetime(2024, 3, 25, tzinfo=UTC))
        if got is not None:
            expect_eq("todo time-range search Mar 15-25 finds only the report", ["Write report %s" % RUN], mine(got))
        if t1 is not None:
            attempt("complete todo 1", t1.complete, completion_timestamp=dt.datetime(2024, 3, 9, 8, tzinfo=UTC))
            got = step("tasks.todos() after complete", tasks.todos)
            if got is not None:
                expect_eq("todos() after completing one lists 1", ["Write report %s" % RUN], mine(got))
            got = step("todos(include_completed=True)", tasks.todos, include_completed=True)
            if got is not None:
                expect_eq("todos(include_completed=True) lists both", ["Buy milk %s" % RUN, "Write report %s" % RUN],
                          mine(got))
            t = step("todo_by_uid", tasks.todo_by_uid, "todo1-%s@interop" % RUN)
            if t is not None:
                comp = ical_components(t.data, "VTODO")[0]
                check("completed todo stored with STATUS:COMPLETED and COMPLETED",
                      str(comp.get("status")) == "COMPLETED" and comp.get("completed") is not None,
                      "status=%s completed=%s" % (comp.get("status"), comp.get("completed")))
        for t in (t1, t2):
            if t is not None:
                attempt("delete todo", t.delete)

    notes = by_name.get("Notes")
    if notes is not None:
        print("-- journal in Notes", flush=True)
        j = step("save_journal", notes.save_journal, vcal(f"""BEGIN:VJOURNAL
UID:journal-{RUN}@interop
DTSTAMP:{STAMP}
DTSTART;VALUE=DATE:20240303
SUMMARY:Note {RUN}
DESCRIPTION:Written by the python caldav library
END:VJOURNAL
"""))
        if j is not None:
            js = step("journals()", notes.journals) or []
            expect_eq("journals() lists the saved note", 1, len([x for x in js if RUN in (x.data or "")]))
            attempt("delete journal", j.delete)

    print("-- edit", flush=True)
    ev = step("event_by_uid single", cal.event_by_uid, SINGLE_UID)
    if ev is not None:
        etag_before = step("etag", lambda: ev.get_property(caldav.elements.dav.GetEtag()))
        comp = ev.icalendar_instance.walk("VEVENT")[0]
        comp["summary"] = icalendar.vText("Single meeting (edited)")
        if attempt("save edited event", ev.save):
            ok("save edited event")
        again = step("event_by_uid after edit", cal.event_by_uid, SINGLE_UID)
        if again is not None:
            expect_eq("summary changed on the server", "Single meeting (edited)", component_summary(again, "VEVENT"))
            expect_eq("edited event kept its URL", path_of(ev.url), path_of(again.url))
        fresh = caldav.Event(client, url=ev.url, parent=cal)
        if attempt("load() by URL", fresh.load):
            expect_eq("GET of the URL returns the edit", "Single meeting (edited)", component_summary(fresh, "VEVENT"))
        etag_after = step("etag after edit", lambda: fresh.get_property(caldav.elements.dav.GetEtag()))
        check("ETag changed by the edit", etag_before and etag_after and etag_before != etag_after,
              "%r -> %r" % (etag_before, etag_after))

    print("-- sync tokens", flush=True)
    coll = step("objects_by_sync_token() (initial)", cal.objects_by_sync_token, load_objects=True)
    if coll is not None:
        objs = list(coll)
        expect_eq("initial sync-collection lists the 5 events", 5, len(objs))
        check("initial sync returns a sync token", bool(coll.sync_token), repr(coll.sync_token))
        token1 = coll.sync_token
        same = step("objects_by_sync_token(token) without changes", cal.objects_by_sync_token, token1)
        if same is not None:
            expect_eq("no change: nothing comes back", [], [path_of(o.url) for o in same])
        ev = step("event_by_uid later", cal.event_by_uid, LATER_UID)
        if ev is not None:
            ev.icalendar_instance.walk("VEVENT")[0]["summary"] = icalendar.vText("May meeting (moved room)")
            attempt("save changed event", ev.save)
            delta = step("objects_by_sync_token(token) after one change", cal.objects_by_sync_token, token1)
            if delta is not None:
                expect_eq("only the changed event comes back", [path_of(ev.url)], [path_of(o.url) for o in delta])
                check("a new sync token", delta.sync_token and delta.sync_token != token1,
                      "%r vs %r" % (delta.sync_token, token1))
            updated, deleted = step("collection.sync() after the change", coll.sync) or (None, None)
            if updated is not None:
                expect_eq("sync(): the changed event updated, none deleted",
                          ([path_of(ev.url)], []), ([path_of(o.url) for o in updated], [path_of(o.url) for o in deleted]))
                expect_eq("sync(): the update has the new summary", "May meeting (moved room)",
                          component_summary(updated[0], "VEVENT") if updated else None)

    print("-- delete", flush=True)
    ev = step("event_by_uid all-day", cal.event_by_uid, ALLDAY_UID)
    if ev is not None:
        token_before = coll.sync_token if coll is not None else None
        if attempt("delete all-day event", ev.delete):
            try:
                cal.event_by_uid(ALLDAY_UID)
                fail("deleted event still found by UID")
            except caldav_error.NotFoundError:
                ok("deleted event no longer found by UID")
            except Exception as e:  # noqa: BLE001
                fail("event_by_uid after delete raised %s: %s" % (type(e).__name__, e))
            gone = caldav.Event(client, url=ev.url, parent=cal)
            try:
                gone.load()
                fail("GET of the deleted event's URL still answers")
            except caldav_error.NotFoundError:
                ok("GET of the deleted event's URL: 404")
            except Exception as e:  # noqa: BLE001
                fail("GET of the deleted URL raised %s: %s" % (type(e).__name__, e))
            events = step("events() after delete", cal.events) or []
            expect_eq("events() lists 4 after the delete", 4, len(events))
            if coll is not None:
                updated, deleted = step("collection.sync() after the delete", coll.sync) or (None, None)
                if updated is not None:
                    expect_eq("sync(): the deleted event reported deleted, nothing updated",
                              ([], [path_of(ev.url)]),
                              ([path_of(o.url) for o in updated], [path_of(o.url) for o in deleted]))
                    check("sync token moved on", coll.sync_token != token_before)

    print("-- delete the calendar", flush=True)
    if attempt("delete calendar", cal.delete):
        names = [step("display name", c.get_display_name) for c in (step("calendars()", principal.calendars) or [])]
        check("deleted calendar no longer listed", cal_name not in names, "got %r" % names)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001
        fail("scenario stopped: %s: %s" % (type(e).__name__, e))
        traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)
