"""plib: helpers for the probe tests (tests/probe/test_*): run `wirelab
probe` beside a load, servers by variant, a veth lab between namespaces."""
import atexit
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import wl  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
WIRELAB = os.path.join(BUILD, "wirelab")


def httpd(variant):
    return os.path.join(BUILD, variant, "wirelab-httpd")


def need(variant=None, tools=()):
    """Why this test cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root for BPF"
    if not os.access(WIRELAB, os.X_OK):
        return "%s not built" % WIRELAB
    if variant and not os.access(httpd(variant), os.X_OK):
        return "variant %s not built" % variant
    for t in tools:
        if subprocess.run(["sh", "-c", "command -v " + t], stdout=subprocess.DEVNULL).returncode:
            return "%s not installed" % t
    return None


class Probe:
    """`wirelab probe --pid ... --json` in the background; stop() -> its JSON."""

    def __init__(self, pids, args=()):
        cmd = [WIRELAB, "probe", "--json", "--interval", "60"]
        for p in pids:
            cmd += ["--pid", str(p)]
        self.errf = tempfile.TemporaryFile()
        self.p = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE, stderr=self.errf)
        deadline = time.time() + 20
        while "attached" not in self.stderr():
            wl.check(self.p.poll() is None, "probe did not start: " + self.stderr())
            wl.check(time.time() < deadline, "probe did not attach within 20 s")
            time.sleep(0.05)

    def stderr(self):
        self.errf.seek(0)
        return self.errf.read().decode(errors="replace")

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        out, _ = self.p.communicate(timeout=20)
        wl.check(self.p.returncode == 0, "probe exited %s: %s" % (self.p.returncode, self.stderr()))
        return json.loads(out)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def ab(url, n, c, keepalive=True, netns=None, timeout=120):
    """ab -n N -c C: the number of requests completed, checked for failures."""
    cmd = ["ab", "-q", "-n", str(n), "-c", str(c), "-s", "10"] + (["-k"] if keepalive else []) + [url]
    if netns:
        cmd = ["ip", "netns", "exec", netns] + cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    out = r.stdout.decode(errors="replace")
    m = re.search(r"Complete requests:\s+(\d+)", out)
    f = re.search(r"Failed requests:\s+(\d+)", out)
    wl.check(r.returncode == 0 and m and f and f.group(1) == "0", "ab failed: " + out[-800:])
    return int(m.group(1))


def docroot(d, files):
    """files: name -> size in bytes."""
    for name, size in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(os.urandom(size))
    return d


_labs = []


def _close_labs(*_):
    for lab in list(_labs):
        lab.close()


# namespaces go even when the test is killed (SIGTERM/SIGINT) or crashes
atexit.register(_close_labs)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, lambda *_: sys.exit(1))


class Netns:
    """Two namespaces joined by a veth pair, 198.18.0.1/24 (server side)
    and 198.18.0.2/24 (client side); close() removes both."""

    def __init__(self):
        _labs.append(self)
        tag = "%d%d" % (os.getpid() % 100000, int(time.time() * 1000) % 1000)
        self.srv, self.cli = "wlps" + tag, "wlpc" + tag
        self.dev_s, self.dev_c = "wlvs" + tag, "wlvc" + tag
        self.made = []
        self.sh("ip netns add " + self.srv)
        self.made.append(self.srv)
        self.sh("ip netns add " + self.cli)
        self.made.append(self.cli)
        self.sh("ip link add %s netns %s type veth peer name %s netns %s" % (self.dev_s, self.srv, self.dev_c, self.cli))
        for ns, dev, addr in ((self.srv, self.dev_s, "198.18.0.1/24"), (self.cli, self.dev_c, "198.18.0.2/24")):
            self.sh("ip -n %s addr add %s dev %s" % (ns, addr, dev))
            self.sh("ip -n %s link set %s up" % (ns, dev))
            self.sh("ip -n %s link set lo up" % ns)

    @staticmethod
    def sh(cmd):
        r = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        wl.check(r.returncode == 0, "%s: %s" % (cmd, r.stdout.decode(errors="replace")))
        return r.stdout.decode(errors="replace")

    def offloads(self, on):
        v = "on" if on else "off"
        self.sh("ip netns exec %s ethtool -K %s tso %s gso %s" % (self.srv, self.dev_s, v, v))

    def close(self):
        for ns in self.made:
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.made = []
        if self in _labs:
            _labs.remove(self)


class Httpd:
    """A wirelab-httpd variant listening on addr:port, in netns if given."""

    def __init__(self, variant, root, listen="127.0.0.1:0", netns=None):
        cmd = [httpd(variant), "--root", root, "--listen", listen, "--threads", "1"]
        if netns:
            cmd = ["ip", "netns", "exec", netns] + cmd
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.p.stdout.readline().decode(errors="replace")
        m = re.search(r"listening on ([0-9.]+):(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("server did not start: %r" % line)
        self.host, self.port = m.group(1), int(m.group(2))
        self.pid = self.p.pid  # ip netns exec execs the server: same pid

    def url(self, path):
        return "http://%s:%d/%s" % (self.host, self.port, path)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def proc_ctxsw(pid):
    """(voluntary, involuntary) summed over the process's threads."""
    v = nv = 0
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, t)) as f:
            for ln in f:
                if ln.startswith("voluntary_ctxt_switches:"):
                    v += int(ln.split()[1])
                elif ln.startswith("nonvoluntary_ctxt_switches:"):
                    nv += int(ln.split()[1])
    return v, nv
