"""genhist: synthetic histories for the history tests: a run per commit,
made by tests/results/genrun.py (known distributions, a seed per run), with
its own git commit, start time and run id, optionally with a step (one
variant's metric scaled from one run on)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results"))
import genrun  # noqa: E402

V = "epoll-writev-autocork-plain"


def commit(i):
    """A 40-digit commit per run: a000000..., a000001..., ..."""
    return "%07x" % (0xa000000 + i) + "%033x" % (7 * i + 1)


def set_meta(run, **kw):
    p = os.path.join(run, "run.json")
    with open(p) as f:
        m = json.load(f)
    m.update(kw)
    with open(p, "w") as f:
        json.dump(m, f, indent=1)


def history(root, n=16, step_at=None, factor=0.8, column="rps", seed=500, reps=5, cv=0.03):
    """n runs under root/run00.., the step (factor on V's column) from run step_at on."""
    runs = []
    for i in range(n):
        scale = {(V, column): factor} if step_at is not None and i >= step_at else {}
        run = genrun.make_run(os.path.join(root, "run%02d" % i), seed=seed + i, reps=reps, cv=cv,
                              sizes=(1024, 65536), conns=(10,), scale=scale)
        set_meta(run, git_commit=commit(i), when="2026-11-%02dT00:00:00Z" % (i + 1), run_id="run%02d" % i,
                 results_format=1, git_dirty=False)
        runs.append(run)
    return runs
