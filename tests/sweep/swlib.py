"""swlib: shared checks of the sweep tests (tests/sweep/test_*).

Runs build/wirelab sweep with a time bound and checks a run folder: every
documented column of points.csv, values that make sense together, run.json
and syscalls.csv. Cases print PASS:/FAIL:/SKIP: lines for tests/run.
"""
import csv
import json
import math
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
WIRELAB = os.path.join(BUILD, "wirelab")


def documented(section):
    """The columns of one file's table in `wirelab format` (the column table
    of harness/results/results_cols.c, the one definition), in order: a
    hand-copied list would drift from it."""
    out = subprocess.run([WIRELAB, "format"], stdout=subprocess.PIPE, text=True, check=True, timeout=30).stdout
    body = out.split("### %s\n" % section, 1)[1].split("\n### ", 1)[0]
    cols = re.findall(r"^\| `([^`]+)` \|", body, re.M)
    if not cols:
        raise RuntimeError("wirelab format lists no %s columns" % section)
    return cols


COLUMNS = documented("points.csv") if os.access(WIRELAB, os.X_OK) else []
RUN_KEYS = "run_id when host kernel cpu_model cores git_commit topology topology_settings cpu_source options argv".split()

failures = 0


def result(ok, name, why=""):
    global failures
    if ok:
        print("PASS: " + name)
    else:
        failures += 1
        print("FAIL: %s%s" % (name, ": " + why if why else ""))
    sys.stdout.flush()
    return ok


def skip(name, why):
    print("SKIP: %s (%s)" % (name, why))


def sweep(args, timeout=120, **kw):
    """Run wirelab sweep; return the CompletedProcess (output in .stdout)."""
    return subprocess.run([WIRELAB, "sweep"] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout, cwd=TOP, **kw)


def built(variant):
    return os.access(os.path.join(BUILD, variant, "wirelab-httpd"), os.X_OK)


def rows(run):
    with open(os.path.join(run, "points.csv"), newline="") as f:
        return list(csv.DictReader(f))


def num(row, col):
    v = row[col]
    return float(v) if v != "" else math.nan


def check_run(name, run, topology, expect_probes=None):
    """The documented columns, run.json, and sane values in every measured row."""
    pts = rows(run)
    with open(os.path.join(run, "points.csv"), newline="") as f:
        header = next(csv.reader(f), [])
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    # the writer and `wirelab format` share one table: same columns, same order
    result(pts and COLUMNS and header == COLUMNS,
           name + ": points.csv has every documented column (%d), in order, and no other" % len(COLUMNS),
           "missing %s, undocumented %s%s" % (missing, extra, "" if missing or extra else ", out of order"))
    with open(os.path.join(run, "run.json")) as f:
        meta = json.load(f)
    result(all(k in meta for k in RUN_KEYS) and meta["topology"] == topology,
           name + ": run.json says when, where, what and how", str(sorted(meta)))
    # counts from BPF, in the timing window (same) or right after it (separate)
    probes = meta.get("probes", "").startswith("on")
    if expect_probes is not None:
        want = ("probe", "schedstat") if expect_probes else ("proc", "schedstat")
        result(probes == expect_probes and meta["cpu_source"] in want,
               name + ": probes %s, cpu_source %s" % ("on" if expect_probes else "off", " or ".join(want)),
               meta["cpu_source"] + " / " + meta.get("probes", ""))
    bad = []
    measured = [r for r in pts if r["status"] in ("ok", "client-bound")]
    for r in measured:
        key = "%s %s c%s rep %s" % (r["variant"], r["size_bytes"], r["conns"], r["rep"])
        req, dur, size = num(r, "requests"), num(r, "duration_s"), num(r, "size_bytes")
        if r["topology"] != topology:
            bad.append(key + ": topology " + r["topology"])
        if not req > 0 or not 0.5 < dur < 30:
            bad.append(key + ": requests %s in %s s" % (req, dur))
            continue
        if abs(num(r, "rps") - req / dur) > 0.01 * req / dur + 1:
            bad.append(key + ": rps %s is not requests/duration" % r["rps"])
        if not num(r, "bytes") / req >= size:
            bad.append(key + ": bytes per request below the file size")
        if abs(num(r, "mbytes_per_s") - num(r, "bytes") / dur / 1e6) > 0.01 * num(r, "mbytes_per_s") + 0.01:
            bad.append(key + ": mbytes_per_s is not bytes/duration")
        if not 0 < num(r, "lat_p50_us") <= num(r, "lat_p99_us") <= num(r, "lat_p999_us"):
            bad.append(key + ": latency percentiles out of order")
        if not 0 < num(r, "cpu_us_per_req") < 1e6 or not 0 < num(r, "core_us_per_req") < 1e7:
            bad.append(key + ": cpu %s core %s us/req" % (r["cpu_us_per_req"], r["core_us_per_req"]))
        for c in ("syscalls_per_req", "ctxsw_per_req", "tx_segments_per_req"):
            v = num(r, c)
            if probes and not (v >= 0):
                bad.append(key + ": %s empty with probes" % c)
            if not probes and r[c] != "":
                bad.append(key + ": %s filled without probes" % c)
        if probes and not num(r, "syscalls_per_req") >= 1:
            bad.append(key + ": fewer than one syscall per request")
        if probes and not num(r, "tx_segments_per_req") >= 1:
            bad.append(key + ": fewer than one segment per request")
        # errors_reset, _closed and _parse are wirelab-load's: empty in wrk's rows
        if int(r["errors"]) != sum(int(float(r[c] or 0)) for c in r if c.startswith("errors_")):
            bad.append(key + ": errors is not the sum of its kinds")
        if r.get("load", "wrk") == "wrk" and any(r.get(c) for c in ("errors_reset", "errors_closed", "errors_parse")):
            bad.append(key + ": wrk row with wirelab-load's error kinds filled")
    result(measured and not bad, name + ": every measured row is sane (%d rows)" % len(measured), "; ".join(bad[:5]))
    if probes and measured:
        with open(os.path.join(run, "syscalls.csv"), newline="") as f:
            sc = list(csv.DictReader(f))
        names = {s["syscall"] for s in sc}
        result(sc and ("writev" in names or "sendfile" in names or "io_uring_enter" in names),
               name + ": syscalls.csv has per-syscall counts", str(sorted(names))[:200])
    return pts, meta


def netns_list():
    out = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def done():
    sys.exit(1 if failures else 0)
