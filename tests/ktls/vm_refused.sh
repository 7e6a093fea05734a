# tests/ktls/vm_refused.sh: inside the lab VM (busybox sh), by
# tests/ktls/test_ktls_refused. A ktls server offered a TLS 1.2 CBC suite,
# which OpenSSL 3.0 cannot put in the kernel, must close that connection
# without an answer, log that kTLS send did not engage, and count it
# (tx_refused in the SIGUSR1 stats line), while a GCM connection to the
# same server is served (docs/server.md, the ktls transport).
# Usage: sh tests/ktls/vm_refused.sh CERT KEY VARIANT...
cert=$1 key=$2
shift 2
www=/tmp/www-refused
mkdir -p $www
echo hello >$www/a.txt
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
GCM=ECDHE-RSA-AES128-GCM-SHA256 CBC=ECDHE-RSA-AES128-SHA

for v in "$@"; do
	b=build/$v/wirelab-httpd
	[ -x "$b" ] || { echo "SKIP: $v: not built"; continue; }
	rm -f /tmp/r.out /tmp/r.err
	$b --root $www --listen 127.0.0.1:0 --threads 1 --cert "$cert" --key "$key" --tls-version 1.2 \
		--ciphers "$GCM:$CBC" >/tmp/r.out 2>/tmp/r.err &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q listening /tmp/r.out 2>/dev/null && kill -0 $pid 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' /tmp/r.out)
	if [ -z "$port" ]; then
		fail "$v: did not start: $(cat /tmp/r.err)"
		kill $pid 2>/dev/null
		continue
	fi
	o=$(curl -sk --max-time 20 --tlsv1.2 --tls-max 1.2 --ciphers $GCM https://127.0.0.1:$port/a.txt)
	[ "$o" = hello ] && pass "$v: a GCM connection is served" || fail "$v: GCM: '$o'"
	o=$(curl -sk --max-time 20 --tlsv1.2 --tls-max 1.2 --ciphers $CBC https://127.0.0.1:$port/a.txt)
	rc=$?
	# 52: the handshake completed, then the connection closed without a
	# byte (user-space records, or plaintext on the TLS socket, are not that)
	[ $rc -eq 52 ] && [ -z "$o" ] && pass "$v: a CBC connection is closed after the handshake, unanswered" ||
		fail "$v: CBC connection: curl exit $rc (52: empty reply wanted), '$o'"
	grep -q "kTLS send did not engage (TLSv1.2, $CBC); connection closed, 1 so far" /tmp/r.err &&
		pass "$v: the refusal is logged with version and cipher" || fail "$v: log: $(cat /tmp/r.err)"
	kill -USR1 $pid
	sleep 0.5
	grep -q "stats .*tx_refused 1\$" /tmp/r.out && pass "$v: stats count tx_refused 1" ||
		fail "$v: stats: $(grep stats /tmp/r.out)"
	kill -TERM $pid
	wait $pid
	st=$?
	[ $st = 0 ] && pass "$v: clean stop" || fail "$v: exit $st: $(cat /tmp/r.err)"
done
