/*
 * cmd_sweep: `wirelab sweep`. With --resume DIR the options come from
 * DIR/run.json, and any given now are applied after them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results_meta.h"
#include "sweep_opts.h"
#include "sweep_run.h"
#include "topo.h"

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	char err[1024] = "", dir[PATH_MAX], **merged = NULL, **saved = NULL;
	int nsaved = 0, ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--resume") && i + 1 < argc) {
			if (results_saved_argv(argv[i + 1], &saved, &nsaved, err, sizeof(err))) {
				fprintf(stderr, "wirelab sweep: %s\n", err);
				return 2;
			}
			break;
		}
	if (saved) {
		/* saved argv[0] is "sweep"; then the new options, which win */
		merged = calloc(nsaved + argc + 1, sizeof(char *));
		if (!merged)
			return 1;
		memcpy(merged, saved, nsaved * sizeof(char *));
		memcpy(merged + nsaved, argv + 1, (argc - 1) * sizeof(char *));
		argc = nsaved + argc - 1;
		argv = merged;
	}
	ret = sweep_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		sweep_usage(stdout);
		ret = 0;
		goto cleanup;
	}
	if (ret) {
		fprintf(stderr, "wirelab sweep: %s\n", err);
		ret = 2;
		goto cleanup;
	}
	if (o.topology == TOPO_VM && !topo_vm_inside()) {
		if (!o.out[0])
			snprintf(o.out, sizeof(o.out), "results/vm-%d", (int)getpid());
		ret = sweep_vm_run(&o);
	} else
		ret = sweep_main(&o, dir, sizeof(dir));
	sweep_opts_free(&o);
cleanup:
	for (int i = 0; saved && i < nsaved; i++)
		free(saved[i]);
	free(saved);
	free(merged);
	return ret;
}
