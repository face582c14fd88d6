/*
 * test_datafile - lib/util/datafile: tables are found in $TWIN_DATA_PATH
 * first, then beside the program; a missing one names every place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/datafile.h"
#include "tap.h"

int
main(void)
{
	char tmp[] = "/tmp/twin-datafile-XXXXXX", a[256], b[256], path[4096];
	char env[600], dir[4096], exe[4096];
	struct twin_err err;
	FILE *f;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	mkdir(a, 0700);
	mkdir(b, 0700);
	mkdir(strcat(strcpy(path, b), "/pbpk"), 0700);
	if ((f = fopen(strcat(path, "/t.tsv"), "w")) == NULL)
		return 1;
	fputs("x\n", f);
	fclose(f);

	snprintf(env, sizeof(env), "%s::%s", a, b);
	setenv("TWIN_DATA_PATH", env, 1);
	tap_ok(data_find("pbpk/t.tsv", path, sizeof(path), &err) == 0,
	    "a table in the second directory of TWIN_DATA_PATH is found");
	snprintf(dir, sizeof(dir), "%s/pbpk/t.tsv", b);
	tap_ok(strcmp(path, dir) == 0, "its path is that directory's");
	tap_ok(data_dir(0, dir, sizeof(dir)) == 0 && !strcmp(dir, a) &&
	    data_dir(1, dir, sizeof(dir)) == 0 && !strcmp(dir, b),
	    "an empty entry of TWIN_DATA_PATH is skipped");
	tap_ok(twin_exe_dir(exe, sizeof(exe)) == 0 &&
	    data_dir(2, dir, sizeof(dir)) == 0 &&
	    !strncmp(dir, exe, strlen(exe)) && !strcmp(dir + strlen(exe),
	    "/data"), "then the data directory beside the program");
	tap_ok(data_dir(5, dir, sizeof(dir)) == -1,
	    "and nothing past the compiled-in directory");

	tap_ok(data_find("pbpk/none.tsv", path, sizeof(path), &err) == -1 &&
	    err.kind == TWIN_ESYSTEM && strstr(err.msg, a) != NULL &&
	    strstr(err.msg, "\"pbpk/none.tsv\"") != NULL,
	    "a missing table is a system error naming the places looked at");
	tap_ok(data_find("pbpk/t.tsv", path, 8, &err) == -1 &&
	    err.kind == TWIN_EINPUT, "a path longer than the buffer is refused");

	snprintf(path, sizeof(path), "%s/pbpk/t.tsv", b);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pbpk", b);
	rmdir(path);
	rmdir(a);
	rmdir(b);
	rmdir(tmp);
	return tap_done();
}
