/*
 * sweep_tune: the tune check and the calibration loop before a sweep's
 * first point. Neither stops the sweep: a machine that is not tuned, or a
 * calibration that cannot pin, is recorded as such and the sweep goes on.
 */
#include <stdlib.h>

#include "sweep_proc.h"
#include "sweep_record.h"
#include "sweep_tune.h"
#include "tune.h"

/* the loop's bound: about 1 s on this VM, never more than 2 s of loops */
#define SWEEP_CALIB_MAX_S 2.0
/* and of the loopback round trips: about 0.2 s here, at most 1 s */
#define SWEEP_CALIB_NET_MAX_S 1.0

void sweep_tune_start(const struct sweep_opts *o)
{
	struct tune_result *r = calloc(1, sizeof(*r));
	json_t *tune = NULL, *calib = NULL;
	char err[512], line[1024];

	if (r && !tune_check(o->server_cpus, r, err, sizeof(err))) {
		tune = tune_json(r);
		for (int i = 0; i < r->n; i++)
			if (r->s[i].status == TUNE_NOT_OK)
				printf("  tune: %s %s (%s)\n", r->s[i].name, r->s[i].value, r->s[i].why);
	}
	free(r);
	if (o->no_calibrate)
		calib = json_pack("{s:s}", "skipped", "--no-calibrate");
	else if (!(calib = tune_calibrate(o->server_cpu_list[0], SWEEP_CALIB_MAX_S, &sweep_stop, err,
					  sizeof(err)))) {
		printf("  calibration: not available: %s\n", err);
		calib = json_pack("{s:s}", "skipped", err);
	} else {
		json_t *net = tune_calibrate_loopback(o->server_cpu_list[0], o->client_cpu_list[0],
						      SWEEP_CALIB_NET_MAX_S, &sweep_stop, err, sizeof(err));
		json_object_set_new(calib, "loopback", net ? net : json_pack("{s:s}", "skipped", err));
		/* a request takes both paths: the larger floor is a rate's */
		json_object_set_new(calib, "rate_noise_floor_pct", json_real(tune_rate_floor(calib)));
		tune_calibration_line(calib, line, sizeof(line));
		printf("  calibration: %s\n", line);
	}
	fflush(stdout);
	sweep_record_tune(tune, calib);
}
