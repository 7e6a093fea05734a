/*
 * cmds.h: the wirelab subcommands, one line each. To add one: a line here,
 * and harness/cmd_<name>.c defining int cmd_<name>(int argc, char **argv)
 * (argv[0] is the subcommand's name; return the exit status). harness.mk
 * links every .c file in harness/, so nothing else changes.
 */
WL_CMD(probe, "count a running process's syscalls, CPU time, context switches and packets")
WL_CMD(profile, "sample where running processes spend CPU: flame graphs, function groups, diff")
WL_CMD(plot, "draw a run's graphs (SVG and PNG) into RUN/plots/")
WL_CMD(pick, "the best variant for a workload, and whether it beats the runner-up")
WL_CMD(check, "regressions and improvements between two runs (exit 1 on a regression)")
WL_CMD(report, "RUN/report.html: plots, settings, decision table, notes")
WL_CMD(sweep, "measure variants over file size x concurrency into results/<run-id>/")
WL_CMD(demo, "a short default sweep, then a table, the plots and the report")
