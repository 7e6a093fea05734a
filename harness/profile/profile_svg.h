/*
 * profile_svg: a flame graph as one self-contained SVG file: a rectangle
 * per frame, as wide as its samples, callers below callees; a title per
 * frame (hover) with its figures; click to zoom into a frame; "Search"
 * highlights the frames matching a regular expression and says what
 * share of the graph they cover. Colours say what a frame is: user code
 * red, kernel ("_[k]") orange, synthetic ("[...]") grey; in a
 * difference, red where B spends more, blue where A does.
 */
#ifndef WL_PROFILE_SVG_H
#define WL_PROFILE_SVG_H
#include <stdio.h>

#include "profile_tree.h"

struct wl_svg_opts {
	const char *title;
	const char *subtitle;
	/*
	 * 0: one profile, v[0] in samples; a title shows samples, the share
	 * and, when per_sample > 0, v[0] * per_sample in unit.
	 * 1: a difference, v[0] (A) and v[1] (B) already in unit; the width
	 * is A + B, so what either side spends shows.
	 */
	int diff;
	double per_sample;
	const char *unit;
};

/* wl_svg_write: the graph of t; 0 or -EIO */
int wl_svg_write(const struct wl_tree *t, const struct wl_svg_opts *o, FILE *f);

#endif
