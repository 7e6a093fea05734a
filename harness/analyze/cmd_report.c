/* wirelab report RUN: RUN/report.html with every plot inlined. */
#include <stdio.h>
#include <string.h>

#include "report.h"

int cmd_report(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		int help = argc == 2 && !strcmp(argv[1], "--help");
		fprintf(help ? stdout : stderr, "usage: wirelab report RUN\n"
						"  draws RUN/plots/ and writes RUN/report.html: one "
						"self-contained file with the plots inlined,\n"
						"  the run's settings, the decision tables and notes "
						"(client-bound points, skipped variants).\n");
		return help ? 0 : 2;
	}
	return report_all(argv[1]) ? 1 : 0;
}
