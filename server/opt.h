/* opt: the command line of wirelab-httpd. */
#ifndef WL_OPT_H
#define WL_OPT_H

/* opt_parse: fill srv_cfg. Returns 0 to run, 1 when --help/--version was
 * answered, -1 after printing what is wrong. */
int opt_parse(int argc, char **argv);

/* opt_parse_cpus: "0,2-3" into cpus[]; returns the count or -1. */
int opt_parse_cpus(const char *s, int *cpus, int max);

#endif
