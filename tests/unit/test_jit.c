/*
 * test_jit - lib/jit: compile, cache and load native code; refuse what
 * must not be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jit.h"
#include "tap.h"

static const char src[] =
    "#include <math.h>\n"
    "void f0(double *v, double *out) { v[2] = v[0] * v[1]; out[0] = "
    "exp(v[2]); }\n"
    "void f1(double *v, double *out) { (void)out; v[3] = v[0] / 3; }\n";

/* The inode of the one object in dir, 0 if there is not exactly one. */
static unsigned long
object_inode(const char *dir)
{
	char cmd[512];
	FILE *p;
	unsigned long ino = 0;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls -i %s | grep '\\.so$'", dir);
	if ((p = popen(cmd, "r")) != NULL) {
		char line[512];

		while (fgets(line, sizeof(line), p) != NULL &&
		    sscanf(line, "%lu", &ino) == 1)
			n++;
		pclose(p);
	}
	return n == 1 ? ino : 0;
}

static int
count_objects(const char *dir)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s | grep -c '\\.so$'", dir);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

int
main(void)
{
	static const char *const names[] = { "f0", "f1" };
	char dir[] = "/tmp/twin-jit-XXXXXX", sub[128];
	struct twin_err err;
	struct jit *j;
	jit_fn fn[2] = { NULL, NULL };
	double v[4] = { 2, 0.5, 0, 0 }, out[1] = { 0 };
	unsigned long ino;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "a temporary directory");
		return tap_done();
	}
	setenv("TWIN_CACHE", dir, 1);
	unsetenv("TWIN_JIT");
	tap_ok(jit_enabled(), "on unless TWIN_JIT=0");
	setenv("TWIN_JIT", "0", 1);
	tap_ok(!jit_enabled(), "TWIN_JIT=0 turns it off");
	unsetenv("TWIN_JIT");

	j = jit_load(src, 2, names, fn, &err);
	if (j == NULL)
		printf("# %s\n", err.msg);
	tap_ok(j != NULL && fn[0] && fn[1], "compiles and loads two functions");
	if (j) {
		fn[0](v, out);
		fn[1](v, out);
		tap_ok(v[2] == 1 && out[0] == exp(1.0) && v[3] == 2.0 / 3,
		    "the native functions compute what the source says, to "
		    "the bit");
		jit_free(j);
	}
	tap_ok(count_objects(dir) == 1, "one object in the cache");
	ino = object_inode(dir);
	j = jit_load(src, 2, names, fn, &err);
	tap_ok(j != NULL && ino != 0 && object_inode(dir) == ino,
	    "loaded again from the cache, not compiled again (same inode)");
	jit_free(j);

	j = jit_load("this is not C;", 1, names, fn, &err);
	tap_ok(j == NULL && err.kind == TWIN_ESYSTEM &&
	    strstr(err.msg, "could not compile") != NULL,
	    "source that does not compile: NULL, a system error");
	j = jit_load(src, 1, (const char *const[]){ "nosuch" }, fn, &err);
	tap_ok(j == NULL && strstr(err.msg, "no nosuch") != NULL,
	    "a function the object lacks: NULL");

	snprintf(sub, sizeof(sub), "%s/open", dir);
	mkdir(sub, 0777);
	chmod(sub, 0777);
	setenv("TWIN_CACHE", sub, 1);
	j = jit_load(src, 2, names, fn, &err);
	tap_ok(j == NULL && strstr(err.msg, "not a private") != NULL,
	    "a cache writable by others is not used");
	rmdir(sub);

	setenv("TWIN_CACHE", dir, 1);
	setenv("TWIN_CC", "/nonexistent/cc", 1);
	j = jit_load("int x;", 0, names, fn, &err);
	tap_ok(j == NULL && err.kind == TWIN_ESYSTEM,
	    "no compiler: NULL, a system error");
	unsetenv("TWIN_CC");

	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
