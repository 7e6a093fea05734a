/*
 * cmds.h: the wirelab subcommands, one line each. To add one: a line here,
 * and cmd_<name>.c in the folder of the layer it belongs to (harness/sweep/,
 * harness/analyze/, ...; harness/ itself for one that composes layers)
 * defining int cmd_<name>(int argc, char **argv) (argv[0] is the
 * subcommand's name; return the exit status). harness.mk links every .c
 * file of harness/ and its folders, so nothing else changes
 * (docs/harness.md).
 */
WL_CMD(probe, "count a running process's syscalls, CPU time, context switches and packets")
WL_CMD(profile, "sample where running processes spend CPU: flame graphs, function groups, diff")
WL_CMD(plot, "draw a run's graphs (SVG and PNG) into RUN/plots/")
WL_CMD(table, "a run's medians per variant, size and concurrency, as a text table")
WL_CMD(pick, "the best variant for a workload, and whether it beats the runner-up")
WL_CMD(check, "regressions and improvements between two runs (exit 1 on a regression)")
WL_CMD(report, "RUN/report.html: plots, settings, decision table, notes")
WL_CMD(tune, "is the machine set for measuring (governor, turbo, NIC IRQs); --apply, --restore")
WL_CMD(sweep, "measure variants over file size x concurrency into results/<run-id>/")
WL_CMD(format, "the results format: points.csv and syscalls.csv columns, run.json keys (Markdown)")
WL_CMD(history, "keep runs in SQLite (add), a metric over commits (show), change points (check)")
WL_CMD(demo, "a short default sweep, then a table, the plots and the report")
WL_CMD(recipe, "reproduce a published benchmark claim: list, show, run a recipe (recipes/)")
