#!/usr/bin/env python3
"""The cases of one floor build (WIRELAB_HTTPD): tests/floor/test_floor
runs this over every floor, plain and ASan. A floor answers GET /f<N>
HTTP/1.1 with N bytes from memory, pipelined heads too, and 400 (then
close) to anything else; it is not a web server and says so."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wl  # noqa: E402
from wl import case, check  # noqa: E402


def pattern(n):
    """The floor's body: printable, position-dependent (floor.c)."""
    abc = b"abcdefghijklmnopqrstuvwxyz"
    return (abc * (n // 26 + 1))[:n]


tmp = tempfile.mkdtemp(prefix="wl-floor-")
root = os.path.join(tmp, "www")
os.mkdir(root)
# a real file the floor must not serve: it is not a web server
with open(os.path.join(root, "index.html"), "w") as f:
    f.write("hello\n")


@case("--version says it is a floor, not a web server")
def t_version():
    out = subprocess.run([wl.BIN, "--version"], capture_output=True, text=True, timeout=10).stdout
    check("floor: not a web server" in out, out)
    check(out.startswith("wirelab-httpd " + wl.VARIANT), out)


@case("GET /f<N> answers N bytes from memory")
def t_sizes(srv):
    for n in (0, 1, 1024, 65536 + 3, (1 << 20) + 7):
        r = wl.get(srv, "/f%d" % n, headers={"Connection": None})
        check(r.status == 200, "/f%d: %d" % (n, r.status))
        check(int(r.h("content-length")) == n, "/f%d: content-length %s" % (n, r.h("content-length")))
        check(r.body == pattern(n), "/f%d: body differs" % n)


@case("keep-alive and pipelined heads: one response per head, in order")
def t_pipeline(srv):
    sizes = [5, 0, 4096, 3, 70000, 1, 12] * 5
    s = wl.connect(srv)
    try:
        s.sendall(b"".join(b"GET /f%d HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n" % n for n in sizes))
        rd = wl.Reader(s)
        for n in sizes:
            r = rd.response()
            check(r.status == 200 and r.body == pattern(n), "pipelined /f%d" % n)
        # the connection stays open for the next request
        s.sendall(b"GET /f9 HTTP/1.1\r\n\r\n")
        r = rd.response()
        check(r.status == 200 and r.body == pattern(9), "after the pipeline")
    finally:
        s.close()


@case("anything but GET /f<N> HTTP/1.1 gets 400 and the connection closes")
def t_refuse(srv):
    bad = [b"GET /index.html HTTP/1.1\r\n\r\n", b"GET /f HTTP/1.1\r\n\r\n", b"GET /fabc HTTP/1.1\r\n\r\n",
           b"GET /f12x HTTP/1.1\r\n\r\n", b"POST /f10 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
           b"HEAD /f10 HTTP/1.1\r\n\r\n", b"GET /f10 HTTP/1.0\r\n\r\n", b"GET /f10\r\n\r\n",
           b"GET /f99999999999 HTTP/1.1\r\n\r\n", b"\x00\x01garbage\r\n\r\n"]
    for req in bad:
        r, closed = wl.raw(srv, req)
        check(r is not None and r.status == 400, "%r: %s" % (req, r and r.status))
        check(closed, "%r: connection left open after the 400" % req)
    # a good request before a bad one is answered, then the 400
    s = wl.connect(srv)
    try:
        s.sendall(b"GET /f4 HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n")
        rd = wl.Reader(s)
        check(rd.response().body == pattern(4), "the good request first")
        check(rd.response().status == 400, "then 400")
        check(rd.closed(), "then close")
    finally:
        s.close()


@case("one receive and one send per request (strace)")
def t_syscalls(srv_args):
    if not shutil.which("strace"):
        return "skip: no strace"
    n = 300
    srv = wl.Server(root, srv_args)
    try:
        st = subprocess.Popen(["strace", "-f", "-qq", "-c", "-U", "name,calls", "-p", str(srv.p.pid)],
                              stderr=subprocess.PIPE, text=True)
        import time
        time.sleep(1)
        s = wl.connect(srv)
        rd = wl.Reader(s)
        for _ in range(n):
            s.sendall(b"GET /f1024 HTTP/1.1\r\nHost: x\r\n\r\n")
            check(rd.response().status == 200, "status")
        s.close()
        time.sleep(0.3)
        st.send_signal(2)
        err = st.communicate(timeout=10)[1]
    finally:
        srv.stop()
    calls = {}
    for line in err.splitlines():
        p = line.split()
        if len(p) == 2 and p[1].isdigit():
            calls[p[0]] = int(p[1])
    reads = calls.get("read", 0) + calls.get("recvfrom", 0)
    sends = calls.get("writev", 0) + calls.get("sendmsg", 0) + calls.get("sendto", 0) + calls.get("write", 0)
    # per request: one read, one writev (and an epoll_wait); the connection's
    # own accept, EAGAIN read and close add a few
    check(n <= reads <= n + 3, "reads %d for %d requests: %s" % (reads, n, calls))
    check(n <= sends <= n + 1, "sends %d for %d requests: %s" % (sends, n, calls))
    other = {k: v for k, v in calls.items() if k not in ("read", "recvfrom", "writev", "sendmsg", "sendto",
                                                       "write", "epoll_wait", "total") and v > 5}
    check(not other, "calls beyond read, writev and epoll_wait: %s" % other)


t_version()
with wl.Server(root) as srv:
    t_sizes(srv)
    t_pipeline(srv)
    t_refuse(srv)
    check(srv.alive(), "server died")
# counted on the plain epoll floor's plain build: io_uring's sends are not
# syscalls (tests/probe counts those), OpenSSL reads as it likes, ASan adds calls
if wl.VARIANT == "epoll-floor" and "/asan/" not in wl.BIN:
    t_syscalls(())
shutil.rmtree(tmp, ignore_errors=True)
wl.finish()
