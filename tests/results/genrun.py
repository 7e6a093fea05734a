"""genrun: synthetic wirelab runs with known distributions, for the
results tests (check, pick, plot, report). Deterministic for a seed.

Model (per request, one server): CPU us = base + per_kib * KiB; req/s =
2e6 / CPU us; MB/s = req/s * size; p99 grows with connections. Every
measured value is the model times (1 + cv * N(0,1)), per repetition.
The writev and sendfile models cross at 100 KiB: (14-10)/(0.05-0.01) KiB."""
import csv
import json
import os
import random

MODELS = {
    # name: (loop, send, cork, tls, base_us, per_kib_us, syscalls)
    "epoll-writev-autocork-plain": ("epoll", "writev", "autocork", "plain", 10.0, 0.05, 2.0),
    "epoll-sendfile-autocork-plain": ("epoll", "sendfile", "autocork", "plain", 14.0, 0.01, 3.0),
    "uring-writev-autocork-plain": ("uring", "writev", "autocork", "plain", 12.0, 0.05, 1.5),
    "nginx": ("", "", "", "", 11.0, 0.03, 4.0),
}
COLUMNS = ["variant", "loop", "send", "cork", "tls", "topology", "size_bytes", "conns", "threads", "rep",
           "duration_s", "requests", "rps", "mbytes_per_s", "lat_p50_us", "lat_p99_us", "lat_p999_us",
           "syscalls_per_req", "cpu_us_per_req", "core_us_per_req", "ctxsw_per_req", "tx_segments_per_req",
           "errors", "status", "extra_column"]


# run.json's machine object as a netns sweep writes it (docs/machine.md),
# for one synthetic machine: every run gets a copy unless machine=None
MACHINE = {
    "nics": {side: {"interface": "wl1%s0" % side[0], "namespace": "wl1%s" % side[0], "driver": "veth",
                    "version": "1.0", "firmware": "not available: the driver reports no firmware-version",
                    "speed": "10000Mb/s", "mtu": 1500,
                    "offloads": {"tso": "on", "gso": "on", "gro": "off", "lro": "off", "tx_checksumming": "on",
                                 "rx_checksumming": "on", "scatter_gather": "on"}}
             for side in ("server", "client")},
    "irqs": "not available: the traffic crosses only a veth pair, which has no IRQs",
    "cpu": {"governor": "performance", "scaling_driver": "intel_pstate", "intel_pstate_no_turbo": "1",
            "cpufreq_boost": "not available: no cpufreq boost switch", "smt_control": "off", "smt_active": "0"},
    "kernel_cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/vda1 mitigations=auto",
    "mitigations": {"spectre_v1": "Mitigation: usercopy/swapgs barriers", "l1tf": "Not affected"},
    "sysctls": {"net.ipv4.tcp_autocorking": "1", "net.ipv4.tcp_wmem": "4096 16384 4194304",
                "net.ipv4.tcp_rmem": "4096 131072 6291456", "net.core.busy_poll": "0", "net.core.busy_read": "0",
                "net.core.somaxconn": "4096", "namespace": "wl1s (the server's)"},
    "virtual_machine": {"detected": "no", "evidence": "none", "systemd_detect_virt": "none",
                        "sys_vendor": "Synthetic", "product_name": "Gen"},
}


def make_run(path, seed=1, reps=5, cv=0.03, sizes=(1024, 16384, 262144, 1048576), conns=(10, 100),
             variants=tuple(MODELS), scale=None, same_as=None, kernel="6.1.0-test", status=None, machine=MACHINE):
    """scale: {(variant, metric_column): factor}; same_as: {variant: model
    to copy} (two variants of one distribution); status: {(variant, size,
    conns): status} for rows that are skipped/failed/client-bound;
    machine: run.json's machine object (None: none, as runs before it)."""
    rng = random.Random(seed)
    scale = scale or {}
    same_as = same_as or {}
    status = status or {}
    os.makedirs(path, exist_ok=True)
    meta = {"run_id": os.path.basename(path), "when": "2026-11-22T00:00:00Z", "host": "gen",
            "kernel": kernel, "cpu_model": "Synthetic CPU", "cores": 2, "git_commit": "0" * 40,
            "topology": "netns", "link": {"mtu": 1500, "rate": None},
            "options": {"reps": reps, "window_s": 1, "seed": seed, "cv": cv}}
    if machine is not None:
        meta["machine"] = machine
    with open(os.path.join(path, "run.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(path, "points.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for v in variants:
            loop, send, cork, tls, base, per_kib, sc = MODELS[same_as.get(v, v)]
            for s in sizes:
                for c in conns:
                    for rep in range(reps):
                        cpu = base + per_kib * s / 1024
                        vals = {"cpu_us_per_req": cpu, "core_us_per_req": cpu * 1.3, "rps": 2e6 / cpu,
                                "syscalls_per_req": sc, "lat_p50_us": 20 * c / 10 * cpu / 10,
                                "lat_p99_us": 50 * c / 10 * cpu / 10, "lat_p999_us": 90 * c / 10 * cpu / 10,
                                "ctxsw_per_req": 0.1, "tx_segments_per_req": 1 + s / 1448}
                        vals["mbytes_per_s"] = vals["rps"] * s / 1e6
                        for k in vals:
                            vals[k] *= scale.get((v, k), 1.0) * (1 + cv * rng.gauss(0, 1))
                        st = status.get((v, s, c), "ok")
                        if st in ("skipped", "failed"):
                            vals = {k: "" for k in vals}
                        row = {"variant": v, "loop": loop, "send": send, "cork": cork, "tls": tls,
                               "topology": "netns", "size_bytes": s, "conns": c, "threads": 1, "rep": rep,
                               "duration_s": 1, "requests": 1000, "errors": 0, "status": st,
                               "extra_column": "x"}
                        row.update({k: ("%.6g" % x if x != "" else "") for k, x in vals.items()})
                        w.writerow([row[k] for k in COLUMNS])
    with open(os.path.join(path, "syscalls.csv"), "w") as f:
        f.write("variant,size_bytes,conns,syscall,per_req\n")
        for v in variants:
            f.write("%s,1024,10,read,1\n" % v)
    return path
