"""wl: helpers for black-box tests of wirelab-httpd (stdlib only).

A test script prints one line per case: "PASS: name", "FAIL: name (why)"
or "SKIP: name (why)"; tests/run counts them.
"""
import hashlib
import os
import re
import resource
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

BIN = os.environ.get("WIRELAB_HTTPD", "")
VARIANT = os.environ.get("WIRELAB_VARIANT", os.path.basename(os.path.dirname(BIN)))
TLS = VARIANT.endswith("-tls") or VARIANT.endswith("-ktls")

failures = 0


def case(name):
    """Decorator: run the function as a test case, print PASS/FAIL/SKIP."""
    def deco(fn):
        def run(*a, **kw):
            global failures
            try:
                r = fn(*a, **kw)
                if isinstance(r, str) and r.startswith("skip:"):
                    print("SKIP: %s (%s)" % (name, r[5:].strip()), flush=True)
                else:
                    print("PASS: %s" % name, flush=True)
            except Exception as e:  # a failed case must not stop the others
                failures += 1
                msg = "%s: %s" % (type(e).__name__, e)
                print("FAIL: %s (%s)" % (name, msg.replace("\n", " ")[:300]), flush=True)
                traceback.print_exc(file=sys.stderr)
        run.case_name = name
        return run
    return deco


def check(cond, msg="check failed"):
    if not cond:
        raise AssertionError(msg)


def raise_nofile(n=65536):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(n, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def make_tls_files(d):
    """A self-signed RSA certificate for 127.0.0.1 (openssl CLI)."""
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


# start-up refusal: a ktls variant on a kernel without kTLS (server/tls_ctx.c)
REFUSAL = re.compile(r"kTLS unavailable: .*")
# /proc/net/tls_stat exists once the kernel's tls module is loaded. Tests of
# the decision below point WIRELAB_TEST_TLS_STAT at a file of their own to
# play a host that has kTLS; nothing else sets it.
TLS_STAT = os.environ.get("WIRELAB_TEST_TLS_STAT", "/proc/net/tls_stat")


def ktls_errno():
    """None when a loopback TCP socket takes TCP_ULP "tls", else the errno
    it refuses with (what the server's own start-up probe sees)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    a, _ = ls.accept()
    try:
        c.setsockopt(socket.IPPROTO_TCP, 31, b"tls")  # TCP_ULP
        return None
    except OSError as e:
        return e.errno
    finally:
        for s in (c, a, ls):
            s.close()


def host_has_ktls():
    """Can this host do kTLS? Then a ktls variant that refuses is broken,
    not unsupported."""
    return os.path.exists(TLS_STAT) or ktls_errno() is None


class Server:
    """Start one wirelab-httpd on 127.0.0.1:<free port>; stop() checks it
    exits 0 on SIGTERM and left no sanitizer report."""

    def __init__(self, root, args=(), nofile=None, bin=None, tls_dir=None):
        self.root = root
        self.bin = bin or BIN
        cmd = [self.bin, "--root", root, "--listen", "127.0.0.1:0", "--threads", "1"]
        if TLS:
            cert, key = make_tls_files(tls_dir or root + "-tls")
            cmd += ["--cert", cert, "--key", key]
        cmd += list(args)
        self.errf = tempfile.TemporaryFile()

        def pre():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.errf, preexec_fn=pre)
        line = self.p.stdout.readline().decode(errors="replace")
        m = re.search(r"listening on ([0-9.]+):(\d+)", line)
        if not m:
            self.p.wait(5)
            refused = REFUSAL.search(self.stderr())
            if refused and self.bin == BIN:
                why = refused.group(0).strip()
                if host_has_ktls():
                    # the host can do kTLS: the refusal is the bug
                    print("FAIL: every case (%s refuses to start on a host with kTLS (%s exists or TCP_ULP "
                          "\"tls\" works): %s)" % (VARIANT, TLS_STAT, why), flush=True)
                    sys.exit(1)
                # a kernel without kTLS: nothing to test here (tests/tls/test_tls
                # checks the refusal itself)
                print("SKIP: every case (%s refuses to start: %s)" % (VARIANT, why), flush=True)
                sys.exit(0)
            raise RuntimeError("server did not start: %r %s" % (line, self.stderr()))
        self.host, self.port = m.group(1), int(m.group(2))

    def stderr(self):
        self.errf.seek(0)
        return self.errf.read().decode(errors="replace")

    def alive(self):
        return self.p.poll() is None

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.p.pid))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise AssertionError("server did not stop within 10 s of SIGTERM")
        err = self.stderr()
        check(rc == 0, "server exited %s: %s" % (rc, err[-2000:]))
        check("Sanitizer" not in err and "runtime error" not in err, "sanitizer report: " + err[-3000:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.stop()
        elif self.p.poll() is None:
            self.p.kill()
            self.p.wait()


_client_ctx = None


def connect(srv, timeout=10, rcvbuf=None):
    """rcvbuf: SO_RCVBUF set before connecting (it bounds the window scale)."""
    global _client_ctx
    if rcvbuf:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(timeout)
        s.connect((srv.host, srv.port))
    else:
        s = socket.create_connection((srv.host, srv.port), timeout=timeout)
    if TLS:
        # one context: building one loads the CA store (~45 ms), which made
        # 1000 connections outlast the server's header timeout
        if _client_ctx is None:
            _client_ctx = ssl.create_default_context()
            _client_ctx.check_hostname = False
            _client_ctx.verify_mode = ssl.CERT_NONE
        s = _client_ctx.wrap_socket(s)
    return s


class Response:
    def __init__(self, status, reason, headers, body, version):
        self.status, self.reason, self.headers, self.body, self.version = status, reason, headers, body, version

    def h(self, name):
        return self.headers.get(name.lower())


class Reader:
    """Reads HTTP responses off a socket, keeping leftover bytes."""

    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def _fill(self):
        d = self.s.recv(262144)
        if not d:
            raise EOFError("connection closed")
        self.buf += d

    def head(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"(HTTP/1\.[01]) (\d{3}) ?(.*)", lines[0])
        check(m is not None, "bad status line %r" % lines[0])
        headers = {}
        for ln in lines[1:]:
            k, v = ln.split(":", 1)
            check(k.lower() not in headers, "duplicate header %s" % k)
            headers[k.lower()] = v.strip()
        return m.group(1), int(m.group(2)), m.group(3), headers

    def response(self, head_request=False, hash_only=False):
        version, status, reason, headers = self.head()
        n = 0 if head_request or status in (204, 304) else int(headers.get("content-length", "0"))
        if hash_only:
            h = hashlib.sha256()
            got = 0
            while got < n:
                if not self.buf:
                    self._fill()
                take = self.buf[: n - got]
                self.buf = self.buf[len(take):]
                h.update(take)
                got += len(take)
            body = h.hexdigest()
        else:
            while len(self.buf) < n:
                self._fill()
            body, self.buf = self.buf[:n], self.buf[n:]
        return Response(status, reason, headers, body, version)

    def closed(self, timeout=5):
        """True when the peer closes (EOF or reset) with nothing more sent."""
        self.s.settimeout(timeout)
        try:
            d = self.s.recv(1)
        except (ConnectionResetError, ssl.SSLError):
            return True
        except socket.timeout:
            return False
        return d == b""


def get(srv, path, headers=None, method="GET", version="1.1", hash_only=False):
    s = connect(srv)
    try:
        hs = {"Host": "localhost", "Connection": "close"}
        hs.update(headers or {})
        req = "%s %s HTTP/%s\r\n%s\r\n" % (method, path, version,
                                          "".join("%s: %s\r\n" % kv for kv in hs.items() if kv[1] is not None))
        s.sendall(req.encode("latin-1"))
        return Reader(s).response(head_request=(method == "HEAD"), hash_only=hash_only)
    finally:
        s.close()


def raw(srv, data, timeout=5):
    """Send raw bytes, return (first response or None, closed-after)."""
    s = connect(srv, timeout)
    try:
        s.sendall(data)
        r = Reader(s)
        try:
            resp = r.response()
        except (EOFError, ConnectionResetError):
            return None, True
        return resp, r.closed(2)
    finally:
        s.close()


def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_file(path, size, seed=1):
    """Deterministic content: a repeating 4 KiB pattern that differs by seed
    and position, so a wrong offset shows."""
    import random
    rnd = random.Random(seed)
    block = bytes(rnd.getrandbits(8) for _ in range(4093))  # prime length
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n


def finish():
    sys.exit(1 if failures else 0)
