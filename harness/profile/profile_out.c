/*
 * profile_out: group and function tables of a profile, text and JSON,
 * and writing a window's files (wl_profile_write).
 */
#include "profile_out.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "profile_int.h"
#include "profile_svg.h"
#include "profile_tree.h"

int wl_profile_leaves(const struct wl_folded *f, struct wl_folded *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->n; i++) {
		size_t len;
		const char *leaf = wl_folded_leaf(f->v[i].stack, &len);
		int rc = wl_folded_add(out, leaf, len, f->v[i].count);

		if (rc < 0) {
			wl_folded_free(out);
			return rc;
		}
	}
	wl_folded_sort_counts(out);
	return 0;
}

int wl_profile_groups_of(const struct wl_folded *f, double us_per_sample, uint64_t requests,
			 struct wl_profile_groups *g)
{
	struct wl_groups gr = {0};
	int rc;

	memset(g, 0, sizeof(*g));
	rc = wl_groups_sum(&gr, f, g->samples);
	wl_groups_free(&gr);
	if (rc < 0)
		return rc;
	g->total = f->total;
	g->requests = requests;
	if (requests) {
		g->samples_per_req = (double)f->total / (double)requests;
		for (int i = 0; i < WL_GROUP_N; i++)
			g->us_per_req[i] = (double)g->samples[i] * us_per_sample / (double)requests;
	}
	return 0;
}

int wl_profile_groups(const struct wl_profile *p, uint64_t requests, struct wl_profile_groups *g)
{
	return wl_profile_groups_of(&p->folded, p->info.us_per_sample, requests, g);
}

static double share(uint64_t n, uint64_t total)
{
	return total ? 100.0 * (double)n / (double)total : 0;
}

void wl_profile_print_groups(FILE *f, const struct wl_profile_groups *g)
{
	fprintf(f, "%-12s %9s %7s %12s  %s\n", "group", "samples", "share", g->requests ? "us/request" : "",
		"what");
	for (int i = 0; i < WL_GROUP_N; i++) {
		char us[32] = "";

		if (g->requests)
			snprintf(us, sizeof(us), "%.3f", g->us_per_req[i]);
		fprintf(f, "%-12s %9llu %6.1f%% %12s  %s\n", wl_group_key(i),
			(unsigned long long)g->samples[i], share(g->samples[i], g->total), us,
			wl_group_title(i));
	}
	fprintf(f, "%-12s %9llu %6.1f%%", "total", (unsigned long long)g->total, g->total ? 100.0 : 0);
	if (g->requests) {
		double us = 0;

		for (int i = 0; i < WL_GROUP_N; i++)
			us += g->us_per_req[i];
		fprintf(f, " %12.3f  (%.3f samples per request over %llu requests)", us, g->samples_per_req,
			(unsigned long long)g->requests);
	}
	fputc('\n', f);
}

void wl_profile_print_top(FILE *f, const struct wl_folded *leaves, uint64_t total, double us_per_sample,
			  uint64_t requests, size_t n)
{
	fprintf(f, "%9s %7s %12s  %s\n", "samples", "share", requests ? "us/request" : "", "function (self)");
	for (size_t i = 0; i < leaves->n && i < n; i++) {
		char us[32] = "";

		if (requests)
			snprintf(us, sizeof(us), "%.3f",
				 (double)leaves->v[i].count * us_per_sample / (double)requests);
		fprintf(f, "%9llu %6.1f%% %12s  %s\n", (unsigned long long)leaves->v[i].count,
			share(leaves->v[i].count, total), us, leaves->v[i].stack);
	}
}

void wl_profile_print_facts(FILE *f, const struct wl_profile_info *i)
{
	fprintf(f, "%s at %d Hz on %d CPUs (a sample is %.1f us of CPU), %.2f s: %llu samples", i->event,
		i->hz, i->ncpus, i->period_us, i->t_ns / 1e9, (unsigned long long)i->counted);
	if (i->lost)
		fprintf(f, ", %llu lost (maps full)", (unsigned long long)i->lost);
	fputc('\n', f);
	if (i->cpu_ns)
		fprintf(f,
			"the targets ran %.3f s of CPU: the samples cover %.0f%% of it; a sample counts as "
			"%.1f us\n",
			i->cpu_ns / 1e9, 100.0 * (double)i->counted * i->period_us * 1e3 / (double)i->cpu_ns,
			i->us_per_sample);
	if (i->samples && i->prog_ns)
		fprintf(f, "the sampling program took %.1f us per sample (%.2f%% of the targets' CPU time)\n",
			i->prog_ns / 1e3 / (double)i->samples,
			i->cpu_ns ? 100.0 * (double)i->prog_ns / (double)i->cpu_ns : 0.0);
	if (i->vm.detected)
		fprintf(f, "virtual machine (%s): samples gather where interrupts are re-enabled\n",
			i->vm.how);
	if (i->irq_reattribute)
		fprintf(f,
			"%llu samples at an interrupt-enable point were given to their caller, %llu had none "
			"(docs/profile.md)\n",
			(unsigned long long)i->irq_moved, (unsigned long long)i->irq_unknown);
}

static json_t *per_req(uint64_t n, double us_per_sample, uint64_t requests)
{
	return requests ? json_real((double)n * us_per_sample / (double)requests) : json_null();
}

json_t *wl_profile_json(const struct wl_profile_info *i, const int *pids, int npids,
			const struct wl_profile_groups *g, const struct wl_folded *leaves, size_t ntop)
{
	json_t *o = json_object(), *pa = json_array(), *ga = json_array(), *fa = json_array();
	json_t *vm = json_object(), *irq = json_object();

	if (!o || !pa || !ga || !fa || !vm || !irq) {
		json_decref(o), json_decref(pa), json_decref(ga), json_decref(fa), json_decref(vm),
			json_decref(irq);
		return NULL;
	}
	for (int k = 0; k < npids; k++)
		json_array_append_new(pa, json_integer(pids[k]));
	json_object_set_new(o, "event", json_string(i->event));
	json_object_set_new(o, "hz", json_integer(i->hz));
	json_object_set_new(o, "period_us", json_real(i->period_us));
	json_object_set_new(o, "cpu_ns", i->cpu_ns ? json_integer((json_int_t)i->cpu_ns) : json_null());
	json_object_set_new(o, "us_per_sample", json_real(i->us_per_sample));
	json_object_set_new(o, "cpus", json_integer(i->ncpus));
	json_object_set_new(o, "duration_s", json_real(round(i->t_ns / 1e6) / 1e3));
	json_object_set_new(o, "pids", pa);
	json_object_set_new(o, "samples", json_integer((json_int_t)i->counted));
	json_object_set_new(o, "samples_seen", json_integer((json_int_t)i->samples));
	json_object_set_new(o, "lost", json_integer((json_int_t)i->lost));
	json_object_set_new(o, "program_ns", json_integer((json_int_t)i->prog_ns));
	json_object_set_new(o, "program_us_per_sample",
			    i->samples ? json_real(i->prog_ns / 1e3 / (double)i->samples) : json_null());
	json_object_set_new(o, "kernel_stack_errors", json_integer((json_int_t)i->kstack_errors));
	json_object_set_new(vm, "detected", json_boolean(i->vm.detected));
	json_object_set_new(vm, "how", json_string(i->vm.how));
	json_object_set_new(vm, "sys_vendor", json_string(i->vm.sys_vendor));
	json_object_set_new(vm, "product_name", json_string(i->vm.product_name));
	json_object_set_new(o, "vm", vm);
	json_object_set_new(irq, "applied", json_boolean(i->irq_reattribute));
	json_object_set_new(irq, "moved_to_caller", json_integer((json_int_t)i->irq_moved));
	json_object_set_new(irq, "caller_unknown", json_integer((json_int_t)i->irq_unknown));
	json_object_set_new(o, "irq_reattribution", irq);
	json_object_set_new(o, "requests", g->requests ? json_integer((json_int_t)g->requests) : json_null());
	json_object_set_new(o, "samples_per_request",
			    g->requests ? json_real(g->samples_per_req) : json_null());
	for (int k = 0; k < WL_GROUP_N; k++) {
		json_t *e = json_object();

		json_object_set_new(e, "group", json_string(wl_group_key(k)));
		json_object_set_new(e, "title", json_string(wl_group_title(k)));
		json_object_set_new(e, "samples", json_integer((json_int_t)g->samples[k]));
		json_object_set_new(e, "share", json_real(share(g->samples[k], g->total) / 100));
		json_object_set_new(e, "us_per_request",
				    per_req(g->samples[k], i->us_per_sample, g->requests));
		json_array_append_new(ga, e);
	}
	json_object_set_new(o, "groups", ga);
	for (size_t k = 0; k < leaves->n && k < ntop; k++) {
		json_t *e = json_object();

		json_object_set_new(e, "function", json_string(leaves->v[k].stack));
		json_object_set_new(e, "samples", json_integer((json_int_t)leaves->v[k].count));
		json_object_set_new(e, "share", json_real(share(leaves->v[k].count, g->total) / 100));
		json_object_set_new(e, "us_per_request",
				    per_req(leaves->v[k].count, i->us_per_sample, g->requests));
		json_array_append_new(fa, e);
	}
	json_object_set_new(o, "top_functions", fa);
	return o;
}

int wl_profile_path(char *out, size_t len, const char *dir, const char *name, const char *ext)
{
	int n = snprintf(out, len, "%s/%s%s", dir, name, ext);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* write_svg: NAME.svg, the window's flame graph */
static int write_svg(const struct wl_profile *p, const char *path, uint64_t requests)
{
	struct wl_svg_opts o = {.unit = "us/request"};
	char sub[512];
	struct wl_tree t;
	FILE *f;
	int rc;

	rc = wl_tree_init(&t);
	for (size_t i = 0; !rc && i < p->folded.n; i++)
		rc = wl_tree_add(&t, p->folded.v[i].stack, strlen(p->folded.v[i].stack), 0,
				 (double)p->folded.v[i].count);
	if (rc < 0)
		goto cleanup;
	snprintf(sub, sizeof(sub), "%s %d Hz, %.2f s, %llu samples%s", p->info.event, p->info.hz,
		 p->info.t_ns / 1e9, (unsigned long long)p->info.counted,
		 p->info.irq_reattribute ? "; samples at interrupt-enable points given to their callers"
					 : "");
	o.title = "CPU flame graph (wirelab profile)";
	o.subtitle = sub;
	o.per_sample = requests ? p->info.us_per_sample / (double)requests : 0;
	f = fopen(path, "we");
	if (!f) {
		rc = -errno;
		goto cleanup;
	}
	rc = wl_svg_write(&t, &o, f);
	if (fclose(f) && !rc)
		rc = -errno;
cleanup:
	wl_tree_free(&t);
	return rc;
}

int wl_profile_write(const struct wl_profile *p, const char *dir, const char *name, uint64_t requests,
		     char *err, size_t errlen)
{
	struct wl_profile_groups g;
	struct wl_folded leaves = {0};
	json_t *j = NULL;
	char path[4096];
	FILE *f = NULL;
	int rc;

	rc = wl_profile_path(path, sizeof(path), dir, name, ".folded");
	if (!rc)
		rc = wl_folded_write(&p->folded, path);
	if (rc < 0)
		goto fail;
	rc = wl_profile_path(path, sizeof(path), dir, name, ".svg");
	if (!rc)
		rc = write_svg(p, path, requests);
	if (rc < 0)
		goto fail;
	rc = wl_profile_groups(p, requests, &g);
	if (!rc)
		rc = wl_profile_leaves(&p->folded, &leaves);
	if (rc < 0)
		goto fail;
	rc = wl_profile_path(path, sizeof(path), dir, name, ".groups.txt");
	if (rc < 0 || !(f = fopen(path, "we"))) {
		rc = rc < 0 ? rc : -errno;
		goto fail;
	}
	wl_profile_print_facts(f, &p->info);
	fputc('\n', f);
	wl_profile_print_groups(f, &g);
	fputc('\n', f);
	wl_profile_print_top(f, &leaves, g.total, p->info.us_per_sample, requests, 40);
	rc = fclose(f) ? -errno : 0;
	f = NULL;
	if (rc < 0)
		goto fail;
	rc = wl_profile_path(path, sizeof(path), dir, name, ".groups.json");
	if (rc < 0)
		goto fail;
	j = wl_profile_json(&p->info, p->pids, p->npids, &g, &leaves, 40);
	rc = !j ? -ENOMEM : json_dump_file(j, path, JSON_PRESERVE_ORDER | JSON_INDENT(1)) ? -EIO : 0;
	if (rc < 0)
		goto fail;
	goto cleanup;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(-rc));
cleanup:
	if (f)
		fclose(f);
	json_decref(j);
	wl_folded_free(&leaves);
	return rc;
}
