/* wirelab: the harness command, a dispatcher over the subcommands of cmds.h. */
#include <stdio.h>
#include <string.h>

#define WL_CMD(name, help) int cmd_##name(int argc, char **argv);
#include "cmds.h"
#undef WL_CMD

static const struct wl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} wl_cmds[] = {
#define WL_CMD(name, help) {#name, cmd_##name, help},
#include "cmds.h"
#undef WL_CMD
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wirelab COMMAND [options]   (wirelab COMMAND --help for its options)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(wl_cmds) / sizeof(wl_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", wl_cmds[i].name, wl_cmds[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(wl_cmds) / sizeof(wl_cmds[0]); i++)
		if (!strcmp(argv[1], wl_cmds[i].name))
			return wl_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "wirelab: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
