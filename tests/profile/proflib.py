"""proflib: helpers for the profiler tests (tests/profile/test_*): run
`wirelab profile` on a process, read what it wrote."""
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import wl  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
WIRELAB = os.path.join(BUILD, "wirelab")
HOT = os.path.join(BUILD, "tests", "profile_hot")

_dirs = []
atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _dirs])


def tmpdir():
    """A directory removed when the test ends."""
    d = tempfile.mkdtemp(prefix="wl-profile-test.")
    _dirs.append(d)
    return d


# a folded line: frames (none empty, no ';' at either end), a space, a count
FOLDED_LINE = re.compile(r"^[^;\s][^;\n]*(;[^;\n]+)* \d+$")


def need(root=True, bins=(WIRELAB,)):
    """Why the test cannot run here, or None."""
    if root and os.geteuid() != 0:
        return "needs root for BPF and perf events"
    for b in bins:
        if not os.access(b, os.X_OK):
            return "%s not built" % b
    return None


def start_hot(mode, seconds):
    """profile_hot MODE SECONDS, once it says it runs."""
    p = subprocess.Popen([HOT, mode, str(seconds)], stdout=subprocess.PIPE)
    wl.check(p.stdout.readline().strip() == b"ready", "profile_hot did not start")
    return p


def run(args, timeout=120):
    """(status, stdout, stderr) of wirelab ARGS."""
    r = subprocess.run([WIRELAB] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


class Profile:
    """What `wirelab profile --out DIR --name NAME` wrote."""

    def __init__(self, d, name):
        self.dir = d
        self.folded_path = os.path.join(d, name + ".folded")
        self.svg_path = os.path.join(d, name + ".svg")
        with open(self.folded_path) as f:
            self.lines = f.read().splitlines()
        with open(os.path.join(d, name + ".groups.json")) as f:
            self.json = json.load(f)
        with open(os.path.join(d, name + ".groups.txt")) as f:
            self.txt = f.read()
        self.stacks = []
        for ln in self.lines:
            stack, n = ln.rsplit(" ", 1)
            self.stacks.append((stack.split(";"), int(n)))
        self.total = sum(n for _, n in self.stacks)

    def share(self, pred):
        """The share of samples whose frame list satisfies pred."""
        return sum(n for fr, n in self.stacks if pred(fr)) / float(self.total or 1)

    def group(self, key):
        return [g for g in self.json["groups"] if g["group"] == key][0]


def profile(pid, seconds, extra=(), name="p"):
    """Profile pid for seconds into a temporary directory: (Profile, stderr)."""
    d = tmpdir()
    rc, _, err = run(["profile", "--pid", str(pid), "--duration", str(seconds), "--out", d, "--name", name] +
                     list(extra), timeout=seconds + 60)
    wl.check(rc == 0, "wirelab profile exited %d: %s" % (rc, err[-400:]))
    return Profile(d, name), err


def libc_has_debug_symbols():
    """Is there a separate debug file for this libc (libc6-dbg)? Its memcpy
    variants are local symbols, absent from .dynsym."""
    r = subprocess.run(["sh", "-c", "readelf -n $(ldd /bin/true | awk '/libc.so/ {print $3}')"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    m = re.search(r"Build ID: ([0-9a-f]+)", r.stdout.decode())
    return bool(m) and os.path.exists("/usr/lib/debug/.build-id/%s/%s.debug" % (m.group(1)[:2], m.group(1)[2:]))
