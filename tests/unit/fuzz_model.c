/*
 * fuzz_model.c - libFuzzer harness for the model loader: YAML, names,
 * expressions, differentiation and compilation.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -D_POSIX_C_SOURCE=200809L -Ilib tests/unit/fuzz_model.c \
 *       lib/model/model.c lib/model/model_yaml.c lib/model/expr.c lib/util/jit.c lib/util/units.c \
 *       lib/util/err.c lib/util/num.c -lyaml -lm -o /tmp/fuzz_model
 *   /tmp/fuzz_model -max_total_time=60 models/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct twin_err err;
	struct model *m;
	FILE *fp;

	/* The loader, not the C compiler: no native code (jit.h). */
	setenv("TWIN_JIT", "0", 1);
	snprintf(path, sizeof(path), "/tmp/fuzz_model.%ld.yaml",
	    (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	m = model_load(path, &err);
	model_free(m);
	unlink(path);
	return 0;
}
