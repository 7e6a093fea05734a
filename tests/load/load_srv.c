/*
 * load_srv: a small HTTP/1.1 server for tests/load/ that misbehaves on
 * purpose. One thread, epoll, 127.0.0.1 only; it answers every request
 * (anything ending in a blank line) with the same response, and
 *   --stall MS        withholds every answer for the first MS of each second
 *   --fault KIND      spoils every --every'th response (default every one):
 *                     reset (head and half the body, then RST), close (the
 *                     same, then FIN), wrong (one body byte flipped),
 *                     chunked, status (404), silent-close (close, no answer)
 *   --size N | --body FILE   the body (default 1024 bytes of a pattern)
 *   --work US         spends US microseconds of CPU on each response, so the
 *                     server, not the client, sets the capacity
 * Prints "listening on 127.0.0.1:PORT" when ready; stops on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXC 4096

enum { F_NONE, F_RESET, F_CLOSE, F_WRONG, F_CHUNKED, F_STATUS, F_SILENT };

struct conn {
	int fd;
	char in[8192];
	size_t inlen;
	unsigned pending; /* requests read, not yet answered */
	const char *out;  /* the response being written */
	size_t outlen, outoff;
	int fault; /* what to do when the current response is written */
};

static char *resp_ok, *resp_bad;
static size_t ok_len, bad_len, bad_cut;
static int fault = F_NONE, every = 1, stall_ms, work_us;
static unsigned long served;
static volatile sig_atomic_t stop;

static void on_term(int s)
{
	(void)s;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char *render(const char *status, const char *extra, const char *body, size_t blen, bool chunked,
		    size_t *len)
{
	char head[256];
	int hl = chunked ? snprintf(head, sizeof(head),
				    "HTTP/1.1 %s\r\nTransfer-Encoding: chunked\r\n%s\r\n%zx\r\n", status,
				    extra, blen)
			 : snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%s\r\n",
				    status, blen, extra);
	char *r = malloc((size_t)hl + blen + 16);

	memcpy(r, head, (size_t)hl);
	memcpy(r + hl, body, blen);
	*len = (size_t)hl + blen;
	if (chunked) {
		memcpy(r + *len, "\r\n0\r\n\r\n", 7);
		*len += 7;
	}
	return r;
}

static void drop(int ep, struct conn *c, bool rst)
{
	if (rst) {
		struct linger l = {1, 0};
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* write what is due; -1 when the connection is gone */
static int pump(int ep, struct conn *c)
{
	for (;;) {
		if (!c->out) {
			if (!c->pending)
				return 0;
			c->pending--;
			c->fault = F_NONE;
			if (work_us) {
				struct timespec a, b;
				clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
				do
					clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
				while ((b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000 <
				       work_us);
			}
			c->out = resp_ok;
			c->outlen = ok_len;
			if (fault != F_NONE && ++served % (unsigned long)every == 0) {
				c->fault = fault;
				if (fault == F_SILENT) {
					drop(ep, c, false);
					return -1;
				}
				if (fault == F_RESET || fault == F_CLOSE) {
					c->outlen = bad_cut;
				} else {
					c->out = resp_bad;
					c->outlen = bad_len;
				}
			}
			c->outoff = 0;
		}
		while (c->outoff < c->outlen) {
			ssize_t n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
			if (n < 0 && errno == EAGAIN)
				return 0;
			if (n <= 0) {
				drop(ep, c, false);
				return -1;
			}
			c->outoff += (size_t)n;
		}
		c->out = NULL;
		if (c->fault == F_RESET || c->fault == F_CLOSE) {
			/* let the half response leave before the RST or FIN */
			usleep(2000);
			drop(ep, c, c->fault == F_RESET);
			return -1;
		}
	}
}

static void on_read(int ep, struct conn *c)
{
	for (;;) {
		ssize_t n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			drop(ep, c, false);
			return;
		}
		c->inlen += (size_t)n;
		char *p = c->in, *e;
		while ((e = memmem(p, c->inlen - (size_t)(p - c->in), "\r\n\r\n", 4))) {
			c->pending++;
			p = e + 4;
		}
		c->inlen -= (size_t)(p - c->in);
		memmove(c->in, p, c->inlen);
		if (c->inlen == sizeof(c->in)) {
			drop(ep, c, false);
			return;
		}
	}
	pump(ep, c);
}

int main(int argc, char **argv)
{
	size_t blen = 1024;
	char *body = NULL;
	const char *bodyf = NULL;
	int port = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			goto usage;
		if (!strcmp(a, "--stall"))
			stall_ms = atoi(v);
		else if (!strcmp(a, "--size"))
			blen = (size_t)atol(v);
		else if (!strcmp(a, "--body"))
			bodyf = v;
		else if (!strcmp(a, "--work"))
			work_us = atoi(v);
		else if (!strcmp(a, "--every"))
			every = atoi(v) > 0 ? atoi(v) : 1;
		else if (!strcmp(a, "--port"))
			port = atoi(v);
		else if (!strcmp(a, "--fault")) {
			static const char *names[] = {"none",	 "reset",  "close",	  "wrong",
						      "chunked", "status", "silent-close"};
			fault = -1;
			for (int k = 0; k < 7; k++)
				if (!strcmp(v, names[k]))
					fault = k;
			if (fault < 0)
				goto usage;
		} else
			goto usage;
		i++;
	}
	if (bodyf) {
		FILE *f = fopen(bodyf, "rb");
		struct stat st;
		if (!f || fstat(fileno(f), &st)) {
			perror(bodyf);
			return 2;
		}
		blen = (size_t)st.st_size;
		body = malloc(blen + 1);
		if (fread(body, 1, blen, f) != blen) {
			perror(bodyf);
			return 2;
		}
		fclose(f);
	} else {
		body = malloc(blen + 1);
		for (size_t i = 0; i < blen; i++)
			body[i] = (char)('a' + i % 26);
	}
	resp_ok = render("200 OK", "", body, blen, false, &ok_len);
	bad_cut = ok_len - blen / 2;
	if (fault == F_WRONG) {
		body[blen / 2] ^= 1;
		resp_bad = render("200 OK", "", body, blen, false, &bad_len);
	} else if (fault == F_CHUNKED) {
		resp_bad = render("200 OK", "", body, blen, true, &bad_len);
	} else if (fault == F_STATUS) {
		resp_bad = render("404 Not Found", "", "gone\n", 5, false, &bad_len);
	}

	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1024) ||
	    getsockname(ls, (struct sockaddr *)&a, &al)) {
		perror("load_srv: listen");
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	uint64_t t0 = now_ms();
	while (!stop) {
		struct epoll_event evs[256];
		if (stall_ms) {
			uint64_t in = (now_ms() - t0) % 1000;
			if (in < (uint64_t)stall_ms) {
				/* the stall: nothing read, nothing written */
				usleep((useconds_t)((uint64_t)stall_ms - in) * 1000);
				continue;
			}
		}
		int timeout = stall_ms ? (int)(1000 - (now_ms() - t0) % 1000) : 100;
		int n = epoll_wait(ep, evs, 256, timeout);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					struct epoll_event ce = {.events = EPOLLIN | EPOLLOUT | EPOLLET,
								 .data.ptr = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
				}
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_read(ep, c);
			else
				pump(ep, c);
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: load_srv [--port P] [--stall MS] [--size N | --body FILE] [--work US] "
			"[--fault reset|close|wrong|chunked|status|silent-close] [--every K]\n");
	return 2;
}
