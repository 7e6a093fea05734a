/*
 * profile_svg: draw a frame tree as a searchable, zoomable flame graph
 * (see profile_svg.h). Written for wirelab; the layout follows the usual
 * flame graph conventions (root at the bottom, children sorted by name).
 */
#include "profile_svg.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile_folded.h"

#define SVG_W	 1200
#define SVG_XPAD 10
#define SVG_FH	 16 /* frame height, one pixel of it a gap */
#define SVG_TOP	 60
#define SVG_BOT	 28
#define CHAR_W	 6.6 /* monospace 11px */
#define MIN_W	 0.1 /* narrower frames are not drawn (nor their children) */

struct draw {
	const struct wl_tree *t;
	const struct wl_svg_opts *o;
	FILE *f;
	double scale; /* pixels per unit of width */
	double total; /* the root's width in units */
	int max_depth;
};

static double width_of(const struct draw *d, uint32_t i)
{
	const struct wl_tree_node *n = &d->t->n[i];

	return d->o->diff ? n->v[0] + n->v[1] : n->v[0];
}

static void esc(FILE *f, const char *s, size_t max)
{
	for (size_t i = 0; s[i] && i < max; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* control bytes are not allowed in XML 1.0 */
			fputc((unsigned char)s[i] < 0x20 ? '?' : s[i], f);
		}
	}
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* colour: by kind for a profile, by which side spends more for a difference */
static void colour(const struct draw *d, uint32_t i, int rgb[3])
{
	const char *name = wl_tree_name(d->t, i);
	uint32_t h = name_hash(name);
	double a = (h & 0xff) / 255.0, b = ((h >> 8) & 0xff) / 255.0;

	if (d->o->diff) {
		const struct wl_tree_node *n = &d->t->n[i];
		double m = fmax(n->v[0], n->v[1]), x = m > 0 ? (n->v[1] - n->v[0]) / m : 0;
		int pale = (int)lround(70 + 185 * (1 - fabs(x)));

		rgb[0] = x < 0 ? pale : 255;
		rgb[1] = pale;
		rgb[2] = x > 0 ? pale : 255;
		return;
	}
	if (i == 0 || name[0] == '[') { /* the root, synthetic frames */
		rgb[0] = rgb[1] = rgb[2] = (int)(190 + 30 * a);
	} else if (d->t->n[i].depth == 1) { /* the thread's name */
		rgb[0] = (int)(170 + 30 * a), rgb[1] = (int)(170 + 30 * a), rgb[2] = (int)(210 + 30 * a);
	} else if (wl_frame_is_kernel(name, strlen(name))) {
		rgb[0] = (int)(220 + 35 * a), rgb[1] = (int)(120 + 60 * b), rgb[2] = (int)(20 * a);
	} else {
		rgb[0] = (int)(200 + 55 * a), rgb[1] = (int)(50 + 80 * b), rgb[2] = (int)(50 + 80 * b);
	}
}

static void frame_title(const struct draw *d, uint32_t i)
{
	const struct wl_tree_node *n = &d->t->n[i];
	const char *u = d->o->unit ? d->o->unit : "";

	esc(d->f, wl_tree_name(d->t, i), SIZE_MAX);
	if (d->o->diff) {
		fprintf(d->f, ": A %.4g %s, B %.4g %s, B-A %+.4g %s", n->v[0], u, n->v[1], u,
			n->v[1] - n->v[0], u);
		return;
	}
	fprintf(d->f, " (%.0f samples, %.2f%%", n->v[0], d->total > 0 ? 100 * n->v[0] / d->total : 0);
	if (d->o->per_sample > 0)
		fprintf(d->f, ", %.4g %s", n->v[0] * d->o->per_sample, u);
	fputs(")", d->f);
}

static int by_name(const void *a, const void *b, void *t)
{
	return strcmp(wl_tree_name(t, *(const uint32_t *)a), wl_tree_name(t, *(const uint32_t *)b));
}

static int depth_of(const struct draw *d, uint32_t i)
{
	int m = (int)d->t->n[i].depth;

	for (uint32_t c = d->t->n[i].child; c; c = d->t->n[c].next)
		if (width_of(d, c) * d->scale >= MIN_W) {
			int k = depth_of(d, c);

			m = k > m ? k : m;
		}
	return m;
}

/* draw: node i at x (units), then its children left to right by name */
static int draw(const struct draw *d, uint32_t i, double x)
{
	const struct wl_tree_node *n = &d->t->n[i];
	double px = SVG_XPAD + x * d->scale, pw = width_of(d, i) * d->scale;
	int y = SVG_TOP + (d->max_depth - (int)n->depth) * SVG_FH, rgb[3], fit, nc = 0, rc = 0;
	const char *name = wl_tree_name(d->t, i);
	size_t len = strlen(name);
	uint32_t *kids;

	colour(d, i, rgb);
	fputs("<g data-n=\"", d->f);
	esc(d->f, name, SIZE_MAX);
	fputs("\"><title>", d->f);
	frame_title(d, i);
	fprintf(d->f,
		"</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\"/>", px,
		y, pw, SVG_FH - 1, rgb[0], rgb[1], rgb[2]);
	fit = (int)((pw - 6) / CHAR_W);
	fprintf(d->f, "<text x=\"%.2f\" y=\"%.1f\">", px + 3, y + 11.5);
	if (fit >= 3) {
		esc(d->f, name, (size_t)fit < len ? (size_t)fit - 2 : len);
		if ((size_t)fit < len)
			fputs("..", d->f);
	}
	fputs("</text></g>\n", d->f);
	for (uint32_t c = n->child; c; c = d->t->n[c].next)
		nc++;
	if (!nc)
		return 0;
	kids = malloc((size_t)nc * sizeof(*kids));
	if (!kids)
		return -ENOMEM;
	nc = 0;
	for (uint32_t c = n->child; c; c = d->t->n[c].next)
		kids[nc++] = c;
	qsort_r(kids, (size_t)nc, sizeof(*kids), by_name, (void *)d->t);
	for (int k = 0; k < nc && !rc; k++) {
		double w = width_of(d, kids[k]);

		if (w * d->scale >= MIN_W)
			rc = draw(d, kids[k], x);
		x += w;
	}
	free(kids);
	return rc;
}

/*
 * The viewer's script: hover shows a frame's title at the bottom, a click
 * zooms so that frame fills the width (its callers stay, full width and
 * faded), Search marks the frames whose name matches a regular expression.
 */
static const char svg_script[] =
	"var W, XPAD, frames, details, matched, zoomed = null;\n"
	"function fg_init() {\n"
	"  var svg = document.documentElement;\n"
	"  W = +svg.getAttribute('width'); XPAD = +svg.getAttribute('data-xpad');\n"
	"  frames = document.getElementById('fg-frames').getElementsByTagName('g');\n"
	"  details = document.getElementById('fg-details'); matched = "
	"document.getElementById('fg-matched');\n"
	"  for (var i = 0; i < frames.length; i++) {\n"
	"    var g = frames[i], r = g.getElementsByTagName('rect')[0];\n"
	"    g.ox = +r.getAttribute('x'); g.ow = +r.getAttribute('width'); g.oy = +r.getAttribute('y');\n"
	"    g.ofill = r.getAttribute('fill');\n"
	"    g.onmouseover = function() { details.textContent = "
	"this.getElementsByTagName('title')[0].textContent; };\n"
	"    g.onmouseout = function() { details.textContent = ' '; };\n"
	"    g.onclick = function() { fg_zoom(this); };\n"
	"  }\n"
	"  var m = /^#search=(.*)$/.exec(location.hash);\n"
	"  if (m) fg_search(decodeURIComponent(m[1]));\n"
	"}\n"
	"function fg_place(g, x, w, faded) {\n"
	"  var r = g.getElementsByTagName('rect')[0], t = g.getElementsByTagName('text')[0];\n"
	"  var name = g.getAttribute('data-n'), fit = Math.floor((w - 6) / 6.6);\n"
	"  g.style.display = ''; g.style.opacity = faded ? 0.6 : 1;\n"
	"  r.setAttribute('x', x); r.setAttribute('width', w); t.setAttribute('x', x + 3);\n"
	"  t.textContent = fit < 3 ? '' : fit < name.length ? name.substring(0, fit - 2) + '..' : name;\n"
	"}\n"
	"function fg_zoom(z) {\n"
	"  var s = (W - 2 * XPAD) / z.ow, eps = 1e-6 * z.ow;\n"
	"  zoomed = z; document.getElementById('fg-unzoom').style.opacity = 1;\n"
	"  for (var i = 0; i < frames.length; i++) {\n"
	"    var g = frames[i];\n"
	"    if (g.oy > z.oy && g.ox <= z.ox + eps && g.ox + g.ow >= z.ox + z.ow - eps)\n"
	"      fg_place(g, XPAD, W - 2 * XPAD, true);\n"
	"    else if (g.oy <= z.oy && g.ox >= z.ox - eps && g.ox + g.ow <= z.ox + z.ow + eps)\n"
	"      fg_place(g, XPAD + (g.ox - z.ox) * s, g.ow * s, false);\n"
	"    else\n"
	"      g.style.display = 'none';\n"
	"  }\n"
	"}\n"
	"function fg_unzoom() {\n"
	"  zoomed = null; document.getElementById('fg-unzoom').style.opacity = 0.3;\n"
	"  for (var i = 0; i < frames.length; i++) fg_place(frames[i], frames[i].ox, frames[i].ow, false);\n"
	"}\n"
	"function fg_search(term) {\n"
	"  if (term === undefined) term = prompt('Search frames (a regular expression)', '');\n"
	"  if (term === null) return;\n"
	"  var re, spans = [], total = 0, end = -1, all = 0;\n"
	"  try { re = new RegExp(term); } catch (e) { alert('Not a regular expression: ' + e.message); "
	"return; }\n"
	"  for (var i = 0; i < frames.length; i++) {\n"
	"    var g = frames[i], r = g.getElementsByTagName('rect')[0], hit = term !== '' && "
	"re.test(g.getAttribute('data-n'));\n"
	"    r.setAttribute('fill', hit ? 'rgb(230,0,230)' : g.ofill);\n"
	"    if (hit) spans.push([g.ox, g.ox + g.ow]);\n"
	"    if (g.ow > all) all = g.ow;\n"
	"  }\n"
	"  /* nested matches cover their caller's span once */\n"
	"  spans.sort(function(a, b) { return a[0] - b[0]; });\n"
	"  for (var j = 0; j < spans.length; j++) {\n"
	"    var a = Math.max(spans[j][0], end);\n"
	"    if (spans[j][1] > a) total += spans[j][1] - a;\n"
	"    end = Math.max(end, spans[j][1]);\n"
	"  }\n"
	"  matched.textContent = term === '' ? ' ' : 'Matched: ' + (all ? (100 * total / all).toFixed(2) : "
	"0) + '%';\n"
	"}\n";

int wl_svg_write(const struct wl_tree *t, const struct wl_svg_opts *o, FILE *f)
{
	struct draw d = {.t = t, .o = o, .f = f};
	int h, rc;

	d.total = width_of(&d, 0);
	d.scale = d.total > 0 ? (SVG_W - 2.0 * SVG_XPAD) / d.total : 0;
	d.max_depth = depth_of(&d, 0);
	h = SVG_TOP + (d.max_depth + 1) * SVG_FH + SVG_BOT;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" data-xpad=\"%d\" onload=\"fg_init()\">\n"
		"<style>text { font-family: monospace; font-size: 11px; fill: #000; } "
		"#fg-frames g:hover rect { stroke: #000; stroke-width: 0.5; } "
		"#fg-frames g { cursor: pointer; } .ctl { cursor: pointer; font-size: 12px; } "
		"</style>\n"
		"<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n"
		"<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f4\"/>\n",
		SVG_W, h, SVG_W, h, SVG_XPAD, svg_script, SVG_W, h);
	fputs("<text x=\"600\" y=\"22\" text-anchor=\"middle\" style=\"font-size:16px\">", f);
	esc(f, o->title ? o->title : "Flame graph", SIZE_MAX);
	fputs("</text>\n<text x=\"600\" y=\"40\" text-anchor=\"middle\">", f);
	esc(f, o->subtitle ? o->subtitle : "", SIZE_MAX);
	fprintf(f,
		"</text>\n<text id=\"fg-unzoom\" class=\"ctl\" x=\"%d\" y=\"22\" style=\"opacity:0.3\" "
		"onclick=\"fg_unzoom()\">Reset zoom</text>\n"
		"<text id=\"fg-search\" class=\"ctl\" x=\"%d\" y=\"22\" text-anchor=\"end\" "
		"onclick=\"fg_search()\">Search</text>\n"
		"<text id=\"fg-matched\" x=\"%d\" y=\"%d\" text-anchor=\"end\"> </text>\n"
		"<text id=\"fg-details\" x=\"%d\" y=\"%d\"> </text>\n<g id=\"fg-frames\">\n",
		SVG_XPAD, SVG_W - SVG_XPAD, SVG_W - SVG_XPAD, h - 10, SVG_XPAD, h - 10);
	rc = d.total > 0 ? draw(&d, 0, 0) : 0;
	fputs("</g>\n</svg>\n", f);
	if (rc < 0)
		return rc;
	return ferror(f) ? -EIO : 0;
}
