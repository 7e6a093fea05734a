/*
 * check_machine: what differs between two runs' machines. Both objects
 * are walked together and every leaf that differs is named, with both
 * values: "warning: different sysctl net.ipv4.tcp_autocorking: BASE '1',
 * NEW '0'". "not available" on both sides is equal (the same machine
 * lacks the same thing); on one side only it is a difference. Only
 * settings are compared: what names a run's own objects (an interface
 * wl<pid>s0, a namespace, an IRQ's number) is skipped, and the object
 * holds no counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* Keys that name, not set: different in every run of the same machine */
static int skipped(const char *key)
{
	return !strcmp(key, "interface") || !strcmp(key, "namespace") || !strcmp(key, "irq");
}

/* The top-level key as a person reads it */
static const char *label(const char *key)
{
	static const char *const names[][2] = {
		{"sysctls", "sysctl"},
		{"nics", "NIC"},
		{"irqs", "IRQ"},
		{"cpu", "CPU"},
		{"mitigations", "mitigation"},
		{"kernel_cmdline", "kernel command line"},
		{"virtual_machine", "virtual machine"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(key, names[i][0]))
			return names[i][1];
	return key;
}

/* "sysctl net.ipv4.tcp_autocorking" from the path "sysctls" + "net.ipv4.tcp_autocorking" */
static void what(char *buf, size_t len, const char *top, const char *rest)
{
	snprintf(buf, len, "%s%s%s", label(top), *rest ? " " : "", rest);
}

/* A value as check prints it: a string quoted, anything else as JSON */
static char *shown(json_t *v)
{
	char *s;

	if (json_is_string(v) && asprintf(&s, "'%s'", json_string_value(v)) >= 0)
		return s;
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int walk(json_t *a, json_t *b, const char *top, const char *rest)
{
	char name[512], sub[512];
	const char *key;
	json_t *va, *vb;
	int diff = 0;

	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach(a, key, va)
		{
			if (skipped(key))
				continue;
			snprintf(sub, sizeof(sub), "%s%s%s", rest, *rest ? "." : "", key);
			vb = json_object_get(b, key);
			if (!vb) {
				what(name, sizeof(name), top, sub);
				printf("warning: %s recorded in BASE only\n", name);
				diff++;
			} else
				diff += walk(va, vb, top, sub);
		}
		json_object_foreach(b, key, vb)
		{
			if (skipped(key) || json_object_get(a, key))
				continue;
			snprintf(sub, sizeof(sub), "%s%s%s", rest, *rest ? "." : "", key);
			what(name, sizeof(name), top, sub);
			printf("warning: %s recorded in NEW only\n", name);
			diff++;
		}
		return diff;
	}
	if (json_equal(a, b))
		return 0;
	char *sa = shown(a), *sb = shown(b);
	what(name, sizeof(name), top, rest);
	printf("warning: different %s: BASE %s, NEW %s\n", name, sa ? sa : "?", sb ? sb : "?");
	free(sa);
	free(sb);
	return 1;
}

int check_machine(json_t *base, json_t *new, int *unknown)
{
	const char *key;
	json_t *va, *vb;
	int diff = 0;

	if (!base || !new) {
		printf("warning: the machine (NICs, IRQs, CPU frequency, sysctls, ...) is not recorded in "
		       "%s%s%s run.json (a run from before it was): unknown, cannot compare\n",
		       !base ? "BASE" : "", !base && !new ? " and " : "", !new ? "NEW" : "");
		(*unknown)++;
		return 0;
	}
	/* top-level keys one by one, so each difference is labelled by its part */
	json_object_foreach(base, key, va)
	{
		vb = json_object_get(new, key);
		if (!vb) {
			printf("warning: %s recorded in BASE only\n", label(key));
			diff++;
		} else
			diff += walk(va, vb, key, "");
	}
	json_object_foreach(new, key, vb) if (!json_object_get(base, key))
	{
		printf("warning: %s recorded in NEW only\n", label(key));
		diff++;
	}
	return diff;
}
