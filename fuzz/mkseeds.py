#!/usr/bin/env python3
"""fuzz/mkseeds.py: write the seed corpus fuzz/corpus/ (re-run after
changing the seeds; the files are committed). Each input is a 4-byte prefix
(chunk size for the incremental head scan, then the Range representation
size, 24-bit little endian) followed by a request head."""
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def prefix(chunk, size):
    return bytes([chunk]) + size.to_bytes(3, "little")


SEEDS = [
    (0, 4096, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    (3, 4096, b"GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
    (1, 4096, b"HEAD /f.bin HTTP/1.1\nHost: a\n\n"),
    (7, 1000, b"GET /f.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=10-20\r\n\r\n"),
    (7, 1000, b"GET /f.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=-5\r\n\r\n"),
    (7, 1000, b"GET /f.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=999-\r\n\r\n"),
    (9, 1000, b"GET /f.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=1-2, 5-6\r\n"
              b"If-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"),
    (5, 0, b"GET /a/./b/../c/%2e%2E/d?x=1#f HTTP/1.1\r\nHost: a\r\n\r\n"),
    (5, 0, b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n"),
    (5, 0, b"GET /a%2f..%2f..%2fb HTTP/1.1\r\nHost: a\r\n\r\n"),
    (5, 0, b"GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n"),
    (2, 0, b"GET http://example/x/y HTTP/1.1\r\nHost: a\r\n\r\n"),
    (2, 0, b"GET https://example HTTP/1.1\r\nHost: a\r\n\r\n"),
    (4, 0, b"GET / HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n"
           b"If-None-Match: \"x\"\r\nAccept-Encoding: gzip;q=0.5, br\r\n\r\n"),
    (4, 0, b"GET / HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: Sun Nov  6 08:49:37 1994\r\n\r\n"),
    (4, 0, b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
    (4, 0, b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
    (4, 0, b"POST / HTTP/1.1\r\nHost: a\r\n\r\n"),
    (4, 0, b"BREW / HTTP/1.1\r\nHost: a\r\n\r\n"),
    (4, 0, b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
    (4, 0, b"\r\nGET / HTTP/1.1\r\nHost: a\r\n x\r\n\r\n"),
    (4, 0, b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(70)) + b"Host: a\r\n\r\n"),
    (63, 0, b"GET /" + b"a" * 4100 + b" HTTP/1.1\r\nHost: a\r\n\r\n"),
]


# boundary cases kept in fuzz/regression/ (crash inputs found later go there
# too, named crash-<sha1> as libFuzzer writes them)
REGRESSION = [
    (0, 10, b"GET / HTTP/1.1\nHost: a\n\r"),          # LF CR at the end of a chunk
    (1, 10, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"),  # one byte at a time
    (2, 10, b"GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=18446744073709551615-\r\n\r\n"),
    (2, 0, b"GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=-99999999999999999999\r\n\r\n"),
    (2, 0, b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"),
    (2, 0, b"GET / HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: Fri, 31 Dec 9999 23:59:60 GMT\r\n\r\n"),
    (2, 0, b"GET /%2 HTTP/1.1\r\nHost: a\r\n\r\n"),
    (2, 0, b"GET /.. HTTP/1.1\r\nHost: a\r\n\r\n"),
    (2, 0, b"GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n"),
]


def write(out, items):
    os.makedirs(out, exist_ok=True)
    for chunk, size, head in items:
        data = prefix(chunk, size) + head
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    print("%d inputs in %s" % (len(items), out))


def main():
    write(os.path.join(HERE, "corpus"), SEEDS)
    write(os.path.join(HERE, "regression"), REGRESSION)


if __name__ == "__main__":
    main()
