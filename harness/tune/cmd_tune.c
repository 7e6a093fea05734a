/*
 * cmd_tune: `wirelab tune [--check | --apply | --restore]`: whether the
 * machine is set up as a measurement wants it, and setting it so with the
 * old values remembered (docs/tune.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tune.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab tune [--check | --apply [--force] | --restore] [options]\n"
		"\n"
		"Whether this machine is set up as a measurement wants it, in the spirit of pyperf's\n"
		"`system tune`: the CPU frequency governor (performance), turbo (off), the NIC's IRQs\n"
		"(off the server's CPUs), irqbalance (stopped); SMT is reported, never changed.\n"
		"\n"
		"  --check              (default) each setting, its value, ok / not ok / cannot change\n"
		"                       here and why; exit 0 when every one that can be set is ok, 1 if not\n"
		"  --apply              set each that can be set, the old values written to the state\n"
		"                       file first; refused while a state file no --restore consumed is "
		"there\n"
		"  --force              --apply over such a state file (its remembered values are lost)\n"
		"  --restore            write back exactly the remembered values, remove the state file\n"
		"  --server-cpus LIST   the server's CPUs, which the NIC's IRQs leave (default 0, as\n"
		"                       wirelab sweep's)\n"
		"  --state FILE         the state file (default /var/lib/wirelab/tune.json as root,\n"
		"                       else $XDG_STATE_HOME/wirelab/tune.json)\n"
		"\n"
		"Every /sys and /proc path is read under $WIRELAB_TUNE_ROOT (default /).\n");
}

int cmd_tune(int argc, char **argv)
{
	enum { CHECK, APPLY, RESTORE } mode = CHECK;
	static const struct option opts[] = {
		{"check", no_argument, 0, 'c'},
		{"apply", no_argument, 0, 'a'},
		{"restore", no_argument, 0, 'r'},
		{"force", no_argument, 0, 'f'},
		{"server-cpus", required_argument, 0, 's'},
		{"state", required_argument, 0, 'S'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	const char *cpus = "0", *modes[] = {"--check", "--apply", "--restore"};
	char state[PATH_MAX], err[512];
	struct tune_result *r = NULL;
	int c, force = 0, nmodes = 0, ret = 2;

	tune_state_default(state, sizeof(state));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'a':
		case 'r': {
			int m = c == 'c' ? CHECK : c == 'a' ? APPLY : RESTORE;
			if (nmodes++ && (int)mode != m) {
				fprintf(stderr, "wirelab tune: %s and %s: one at a time\n", modes[mode],
					modes[m]);
				return 2;
			}
			mode = m;
			break;
		}
		case 'f':
			force = 1;
			break;
		case 's':
			cpus = optarg;
			break;
		case 'S':
			if (!*optarg || strlen(optarg) >= sizeof(state)) {
				fprintf(stderr, "wirelab tune: --state '%s': expected a file name\n", optarg);
				return 2;
			}
			snprintf(state, sizeof(state), "%s", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "wirelab tune: %s needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "wirelab tune: unknown option '%s' (wirelab tune --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wirelab tune: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (force && mode != APPLY) {
		fprintf(stderr, "wirelab tune: --force goes with --apply only\n");
		return 2;
	}
	if (mode == RESTORE)
		return tune_restore(state);
	r = calloc(1, sizeof(*r));
	if (!r)
		return 1;
	if (tune_check(cpus, r, err, sizeof(err))) {
		fprintf(stderr, "wirelab tune: %s\n", err);
		goto out;
	}
	if (mode == CHECK) {
		tune_print(stdout, r);
		ret = tune_all_ok(r) ? 0 : 1;
	} else
		ret = tune_apply(r, state, force);
out:
	free(r);
	return ret;
}
