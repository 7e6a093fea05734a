-- wrk-summary.lua: the wrk script of `wirelab sweep`. WIRELAB_CLOSE=1 in the
-- environment asks for a new connection per request (Connection: close); it
-- is read at load time, before wrk's own init builds the request, so the
-- request stays static and costs no Lua call per request.
-- done() prints one line, "WIRELAB_JSON {...}", that the harness parses:
-- requests, bytes, the window in microseconds, errors by kind and latency
-- percentiles in microseconds.
if os.getenv("WIRELAB_CLOSE") == "1" then
	wrk.headers["Connection"] = "close"
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'WIRELAB_JSON {"requests":%d,"bytes":%d,"duration_us":%d,' ..
		'"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
		'"latency_us":{"p50":%d,"p99":%d,"p999":%d,"mean":%.1f,"max":%d}}\n',
		summary.requests, summary.bytes, summary.duration,
		e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
		latency.mean, latency.max))
end
