"""rlib: helpers of the results tests: the wirelab binary, PASS/FAIL lines."""
import os
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WIRELAB = os.path.join(os.environ.get("BUILD", os.path.join(TOP, "build")), "wirelab")
failures = 0


def need_wirelab():
    if not os.access(WIRELAB, os.X_OK):
        print("SKIP: results tests (%s not built)" % WIRELAB)
        sys.exit(0)


def wl(*args):
    p = subprocess.run([WIRELAB] + [str(a) for a in args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check(name, ok, detail=""):
    global failures
    if ok:
        print("PASS: %s" % name)
    else:
        failures += 1
        print("FAIL: %s (%s)" % (name, str(detail)[:600]))
    sys.stdout.flush()
    return ok
