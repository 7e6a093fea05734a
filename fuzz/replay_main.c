/* replay_main: run LLVMFuzzerTestOneInput over files given on the command
 * line, without libFuzzer, so `make test` can replay the corpora with any
 * compiler (built with ASan+UBSan: a report aborts the run). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int err = -1;

	if (!f)
		goto cleanup;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto cleanup;
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto cleanup;
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	err = 0;
cleanup:
	if (err)
		perror(path);
	free(buf);
	if (f)
		fclose(f);
	return err;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= replay_file(argv[i]) != 0;
	printf("replayed %d inputs\n", argc - 1);
	return bad;
}
