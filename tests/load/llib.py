"""llib: helpers for the wirelab-load tests (stdlib only).

Servers listen on 127.0.0.1:<free port>; every process started here is
stopped by stop_all() (atexit), and every client run has a time limit.
"""
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wl  # noqa: E402,F401
from wl import case, check  # noqa: E402,F401

TOP = wl.TOP
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
LOAD = os.path.join(BUILD, "wirelab-load")
SRV = os.path.join(BUILD, "tests", "load_srv")
HTTPD = os.path.join(BUILD, "epoll-writev-autocork-plain", "wirelab-httpd")
HTTPD_TLS = os.path.join(BUILD, "epoll-writev-autocork-tls", "wirelab-httpd")

procs = []
tmp = tempfile.mkdtemp(prefix="wl-load-")


def need_built():
    for b in (LOAD, SRV):
        if not os.access(b, os.X_OK):
            print("%s is not built (make %s)" % (b, os.path.relpath(b, TOP)))
            sys.exit(77)


def start(cmd, cpus=None):
    """start a server printing "listening on ADDR:PORT"; its port"""
    if cpus is not None:
        cmd = ["taskset", "-c", str(cpus)] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    line = p.stdout.readline().decode(errors="replace")
    m = re.search(r"listening on [0-9.]+:(\d+)", line)
    if not m:
        p.kill()
        raise RuntimeError("server did not start: %r %s" % (line, p.stderr.read().decode()[-300:]))
    return int(m.group(1))


def srv(*args, cpus=1):
    """tests/load/load_srv with args; its URL"""
    return "http://127.0.0.1:%d/" % start([SRV] + [str(a) for a in args], cpus)


def stop(port_or_all=None):
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    procs.clear()


def stop_all():
    stop()
    shutil.rmtree(tmp, ignore_errors=True)


atexit.register(stop_all)


def run(*args, limit=60):
    """wirelab-load args...; (exit status, stdout, stderr)"""
    p = subprocess.run([LOAD] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=limit)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def load(*args, ok=(0,), limit=60):
    """wirelab-load --json args...; the parsed object (and stderr as ["_stderr"])"""
    rc, out, err = run("--json", *args, limit=limit)
    check(rc in ok, "exit %d, expected %s: %s" % (rc, ok, err.strip()[-400:]))
    j = json.loads(out)
    j["_stderr"] = err
    return j


def head_len(size):
    """the length of load_srv's response head for a body of size bytes"""
    return len("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)


def summary(j):
    l, u = j["latency_us"], j["latency_uncorrected_us"]
    return ("%s: %d req, %.0f req/s%s, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us "
            "(uncorrected p99 %.1f us%s)" % (
                j["mode"], j["requests"], j["achieved_rps"],
                "" if j["offered_rps"] is None else " of %.0f" % j["offered_rps"],
                l["p50"], l["p99"], l["p999"], l["max"], u["p99"],
                "" if j["send_lag_us"] is None else ", send lag p99 %.1f us" % j["send_lag_us"]["p99"]))
