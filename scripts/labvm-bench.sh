# scripts/labvm-bench.sh: run inside the lab VM by scripts/labvm-bench.
# Server CPU time per request: plain (writev, sendfile), tls, ktls-writev,
# ktls-sendfile; epoll, autocork, TLS 1.3; 4 KiB, 256 KiB, 4 MiB; wrk with 8
# connections; windows of at least SECONDS and ~80 requests. Server on CPU 0
# (one thread), wrk on CPU 1. The server's
# CPU time is the sum of its threads' on-CPU nanoseconds
# (/proc/PID/task/*/schedstat), read at the window's edges; on loopback it
# includes the softirq work its sends trigger (the receive path runs in
# the sender's context), the same for every variant.
# Usage: sh scripts/labvm-bench.sh CERT KEY SECONDS REPS
cert=$1 key=$2 secs=${3:-4} reps=${4:-2}
www=/tmp/www
mkdir -p $www
for n in 4096 262144 4194304; do
	head -c $n /dev/urandom >$www/f$n.bin
done
VARIANTS="plain-writev:epoll-writev-autocork-plain plain-sendfile:epoll-sendfile-autocork-plain
tls:epoll-writev-autocork-tls ktls-writev:epoll-writev-autocork-ktls ktls-sendfile:epoll-sendfile-autocork-ktls"

cpu_ns() { cat /proc/$1/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}'; }

echo "# kernel $(uname -r), accel ${WL_ACCEL:-?}, $(nproc) CPUs, ${secs} s windows, $reps rounds, wrk -t1 -c8"
echo "label size round requests cpu_us_per_req req_per_s window_s"
r=1
while [ $r -le $reps ]; do
	for pair in $VARIANTS; do
		label=${pair%%:*} v=${pair#*:}
		b=build/$v/wirelab-httpd
		[ -x $b ] || { echo "# $v not built"; continue; }
		args=
		scheme=http
		case $v in *tls) args="--cert $cert --key $key"; scheme=https;; esac
		rm -f /tmp/b.out
		taskset -c 0 $b --root $www --listen 127.0.0.1:0 --threads 1 --cpus 0 $args >/tmp/b.out 2>/tmp/b.err &
		pid=$!
		i=0
		while ! grep -q listening /tmp/b.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' /tmp/b.out)
		[ -n "$port" ] || { echo "# $v did not start: $(cat /tmp/b.err)"; kill $pid 2>/dev/null; continue; }
		for n in 4096 262144 4194304; do
			url=$scheme://127.0.0.1:$port/f$n.bin
			# warm-up, and a rate to size the window: at least ~80 requests
			# (up to 40 s), so the 8 requests in flight at each edge weigh
			# little; under TCG a 4 MiB TLS response takes seconds
			w=$(taskset -c 1 wrk -t1 -c8 -d2s --timeout 60s $url 2>&1 | awk '/requests in/ {print $1}')
			d=$(awk -v w=${w:-0} -v s=$secs 'BEGIN {d = w > 0 ? int(80 / (w / 2)) + 1 : 40; if (d < s) d = s; if (d > 40) d = 40; print d}')
			c0=$(cpu_ns $pid)
			out=$(taskset -c 1 wrk -t1 -c8 -d${d}s --timeout 60s $url 2>&1)
			c1=$(cpu_ns $pid)
			req=$(echo "$out" | awk '/requests in/ {print $1}')
			rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
			errs=$(echo "$out" | grep -c 'Socket errors\|Non-2xx')
			[ "$errs" = 0 ] || echo "# $label $n: $(echo "$out" | grep 'Socket errors\|Non-2xx')"
			echo "$label $n $r $req $(awk -v c=$((c1 - c0)) -v q=$req 'BEGIN {printf "%.1f", q ? c / q / 1000 : 0}') $rps $d"
		done
		kill -TERM $pid
		wait $pid
		grep -q 'did not engage' /tmp/b.err && echo "# $v: kTLS did not engage on some connections"
	done
	r=$((r + 1))
done
