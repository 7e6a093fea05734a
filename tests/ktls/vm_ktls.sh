# tests/ktls/vm_ktls.sh: the kTLS tests, run inside the lab VM (busybox sh)
# by tests/ktls/test_ktls. Every ktls variant built, TLS 1.3 and 1.2: bodies
# byte-identical over HTTPS for the size list, keep-alive, HEAD, Range, a
# pipelined flood; the
# start-up line says which directions the kernel does; /proc/net/tls_stat
# shows the connections went through kernel TLS (send, and receive for 1.2);
# no connection was refused for want of kTLS. The kTLS floor: its bodies,
# keep-alive and 400s through kernel TLS.
# Usage: sh tests/ktls/vm_ktls.sh CERT KEY [GLOB]   (GLOB: only the variants it matches)
cert=$1 key=$2 only=${3:-*}
www=/tmp/www
SIZES="0 1 1023 4096 16384 16385 65535 1048583 4194304"
mkdir -p $www
for n in $SIZES; do
	head -c "$n" /dev/urandom >$www/f$n.bin
done

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
stat_of() { awk -v k="$1" '$1 == k {print $2}' /proc/net/tls_stat; }

# start VARIANT VERSION: sets srv_pid and port, or returns 1
start() {
	rm -f /tmp/srv.out /tmp/srv.err
	build/$1/wirelab-httpd --root $www --listen 127.0.0.1:0 --threads 1 --cert "$cert" --key "$key" \
		--tls-version "$2" >/tmp/srv.out 2>/tmp/srv.err &
	srv_pid=$!
	i=0
	while [ $i -lt 100 ]; do
		grep -q listening /tmp/srv.out 2>/dev/null && break
		kill -0 $srv_pid 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' /tmp/srv.out)
	[ -n "$port" ]
}

curl_v() { # version, curl args...
	v=$1
	shift
	curl -sk --max-time 60 --tlsv$v --tls-max $v "$@"
}

one() { # variant, version
	v=$1 ver=$2 name="$1 TLS $2"
	if ! start "$v" "$ver"; then
		fail "$name: did not start: $(cat /tmp/srv.err)"
		kill $srv_pid 2>/dev/null
		return
	fi
	line=$(cat /tmp/srv.out)
	case "$ver:$line" in
	1.2:*"in the kernel: send and receive"*|1.3:*"in the kernel: send; receive stays in OpenSSL"*)
		pass "$name: start-up line says the kernel directions";;
	*) fail "$name: start-up line: $line";;
	esac
	tx0=$(stat_of TlsTxSw) rx0=$(stat_of TlsRxSw)
	url=https://127.0.0.1:$port
	ok=1 conns=0
	for n in $SIZES; do
		a=$(curl_v $ver $url/f$n.bin | sha256sum | cut -d' ' -f1)
		b=$(sha256sum <$www/f$n.bin | cut -d' ' -f1)
		conns=$((conns + 1))
		[ "$a" = "$b" ] || { ok=0; echo "size $n differs"; }
	done
	[ $ok = 1 ] && pass "$name: bodies byte-identical for $SIZES" || fail "$name: bodies"
	r=$(curl_v $ver -o /dev/null -o /dev/null -w '%{num_connects}:%{http_code} ' $url/f65535.bin $url/f4194304.bin)
	conns=$((conns + 1))
	[ "$r" = "1:200 0:200 " ] && pass "$name: keep-alive (two GETs, one connection)" ||
		fail "$name: keep-alive: $r"
	h=$(curl_v $ver -I $url/f1048583.bin | tr -d '\r')
	conns=$((conns + 1))
	echo "$h" | grep -q '^Content-Length: 1048583$' && echo "$h" | grep -q '^HTTP/1.1 200' &&
		pass "$name: HEAD" || fail "$name: HEAD: $h"
	a=$(curl_v $ver -r 1000000-2999999 $url/f4194304.bin | sha256sum | cut -d' ' -f1)
	b=$(tail -c +1000001 $www/f4194304.bin | head -c 2000000 | sha256sum | cut -d' ' -f1)
	conns=$((conns + 1))
	[ "$a" = "$b" ] && pass "$name: Range 206 body" || fail "$name: Range body"
	o=$(printf 'GET /f16385.bin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
		timeout 30 openssl s_client -quiet -tls1_${ver#1.} -connect 127.0.0.1:$port 2>/dev/null | head -c 200)
	conns=$((conns + 1))
	case "$o" in "HTTP/1.1 200 OK"*) pass "$name: openssl s_client";; *) fail "$name: s_client: $o";; esac
	# 1000 pipelined requests (30 KiB, past the 8 KiB read buffer), the
	# last one closing: every one answered (uring TLS 1.3 reads them as
	# records from memory while earlier answers go out)
	o=$( (i=1; while [ $i -lt 1000 ]; do printf 'GET /f0.bin HTTP/1.1\r\nHost: a\r\n\r\n'; i=$((i + 1)); done
		printf 'GET /f0.bin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n') |
		timeout 60 openssl s_client -quiet -tls1_${ver#1.} -connect 127.0.0.1:$port 2>/dev/null | grep -c '^HTTP/1.1 200')
	conns=$((conns + 1))
	[ "$o" = 1000 ] && pass "$name: 1000 pipelined requests answered" || fail "$name: pipelined: $o of 1000"
	tx1=$(stat_of TlsTxSw) rx1=$(stat_of TlsRxSw)
	[ $((tx1 - tx0)) -ge $conns ] && pass "$name: tls_stat TlsTxSw +$((tx1 - tx0)) for $conns connections" ||
		fail "$name: tls_stat TlsTxSw $tx0 -> $tx1 for $conns connections"
	if [ "$ver" = 1.2 ]; then
		[ $((rx1 - rx0)) -ge $conns ] && pass "$name: tls_stat TlsRxSw +$((rx1 - rx0)) (kernel receive)" ||
			fail "$name: tls_stat TlsRxSw $rx0 -> $rx1 for $conns connections"
	fi
	kill -TERM $srv_pid
	wait $srv_pid
	st=$?
	if [ $st = 0 ] && ! grep -q 'did not engage' /tmp/srv.err; then
		pass "$name: clean stop, no connection refused for want of kTLS"
	else
		fail "$name: exit $st: $(cat /tmp/srv.err)"
	fi
}

# floor_one FLOOR VERSION: a floor (docs/floor.md) answers GET /f<N> with N
# bytes of a..z from memory and 400 to the rest, through kernel TLS too
floor_one() {
	v=$1 ver=$2 name="$1 TLS $2"
	if ! start "$v" "$ver"; then
		fail "$name: did not start: $(cat /tmp/srv.err)"
		kill $srv_pid 2>/dev/null
		return
	fi
	tx0=$(stat_of TlsTxSw)
	url=https://127.0.0.1:$port
	ok=1
	for n in 0 1 16385 1048583; do
		got=$(curl_v $ver $url/f$n | wc -c)
		[ "$got" = "$n" ] || { ok=0; echo "/f$n: $got bytes"; }
	done
	head=$(curl_v $ver $url/f40 | head -c 26)
	[ $ok = 1 ] && [ "$head" = abcdefghijklmnopqrstuvwxyz ] &&
		pass "$name: /f<N> answers N bytes of the floor's pattern" || fail "$name: floor bodies ($head)"
	r=$(curl_v $ver -o /dev/null -o /dev/null -w '%{num_connects}:%{http_code} ' $url/f65535 $url/f10)
	[ "$r" = "1:200 0:200 " ] && pass "$name: keep-alive" || fail "$name: keep-alive: $r"
	r=$(curl_v $ver -o /dev/null -w '%{http_code}' $url/f1.bin)
	[ "$r" = 400 ] && pass "$name: 400 for a file name" || fail "$name: /f1.bin gave $r"
	tx1=$(stat_of TlsTxSw)
	[ $((tx1 - tx0)) -ge 7 ] && pass "$name: tls_stat TlsTxSw +$((tx1 - tx0)) for 7 connections" ||
		fail "$name: tls_stat TlsTxSw $tx0 -> $tx1 for 7 connections"
	kill -TERM $srv_pid
	wait $srv_pid
	st=$?
	[ $st = 0 ] && pass "$name: clean stop" || fail "$name: exit $st: $(cat /tmp/srv.err)"
}

echo "# kernel $(uname -r), accel ${WL_ACCEL:-?}"
n=0
for b in build/*-ktls/wirelab-httpd; do
	[ -x "$b" ] || continue
	v=$(basename $(dirname $b))
	hit=0
	set -f # the patterns are globs for case, not for the file system
	for p in $only; do case $v in $p) hit=1;; esac; done
	set +f
	[ $hit -eq 1 ] || continue
	for ver in 1.3 1.2; do
		case $v in
		*-floor*) floor_one $v $ver;;
		*) one $v $ver;;
		esac
	done
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no ktls variant in the VM"
