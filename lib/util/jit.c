/*
 * jit.c - compile, cache and load native code (jit.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/jit.h"

extern char **environ;

struct jit {
	void *dl;
};

int
jit_enabled(void)
{
	const char *e = getenv("TWIN_JIT");

	return !(e && !strcmp(e, "0"));
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* mkdir -p of a path we will own; 0, or -1 with errno. */
static int
mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* The cache directory into buf; -1 with err if there is none we may use. */
static int
cache_dir(char *buf, size_t sz, struct twin_err *err)
{
	const char *d = getenv("TWIN_CACHE"), *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	struct stat st;
	int n;

	if (d && *d)
		n = snprintf(buf, sz, "%s", d);
	else if (x && *x == '/')
		n = snprintf(buf, sz, "%s/twin", x);
	else if (h && *h == '/')
		n = snprintf(buf, sz, "%s/.cache/twin", h);
	else
		return twin_errork(err, TWIN_ESYSTEM, "no cache directory "
		    "(set TWIN_CACHE or HOME)");
	if (n < 0 || (size_t)n >= sz)
		return twin_errork(err, TWIN_ESYSTEM, "cache path too long");
	if (mkdirs(buf) < 0 || stat(buf, &st) < 0)
		return twin_errork(err, TWIN_ESYSTEM, "%s: %s", buf,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 022))
		return twin_errork(err, TWIN_ESYSTEM, "%s: not a private "
		    "directory of this user", buf);
	return 0;
}

/* Run argv with stdout and stderr to /dev/null; its exit status. */
static int
run(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
compile(const char *cc, const char *dir, const char *src, const char *so,
    struct twin_err *err)
{
	char csrc[4200], tmpso[4300];
	FILE *f;
	int fd, rc;

	snprintf(csrc, sizeof(csrc), "%s/src-XXXXXX", dir);
	if ((fd = mkstemp(csrc)) < 0)
		return twin_errork(err, TWIN_ESYSTEM, "%s: %s", dir,
		    strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(csrc);
		return twin_errork(err, TWIN_ESYSTEM, "%s", strerror(errno));
	}
	rc = fputs(src, f) < 0;
	rc |= fclose(f) != 0;
	snprintf(tmpso, sizeof(tmpso), "%s.so", csrc);
	if (rc == 0) {
		char *argv[] = { (char *)cc, "-std=c11", "-O2", "-fPIC",
			"-shared", "-ffp-contract=off", "-o", tmpso, "-x", "c",
			csrc, "-x", "none", "-lm", NULL };

		rc = run(argv);
	}
	unlink(csrc);
	if (rc != 0) {
		unlink(tmpso);
		return twin_errork(err, TWIN_ESYSTEM, "%s could not compile "
		    "the model (status %d)", cc, rc);
	}
	if (rename(tmpso, so) < 0) {
		unlink(tmpso);
		return twin_errork(err, TWIN_ESYSTEM, "%s: %s", so,
		    strerror(errno));
	}
	return 0;
}

struct jit *
jit_load(const char *src, int n, const char *const *names, jit_fn *fn,
    struct twin_err *err)
{
	const char *cc = getenv("TWIN_CC");
	char dir[4096], so[4200];
	struct stat st;
	struct jit *j;
	uint64_t h;
	int i;

	if (cc == NULL || *cc == '\0')
		cc = "cc";
	if (cache_dir(dir, sizeof(dir), err) < 0)
		return NULL;
	h = fnv1a(fnv1a(0xcbf29ce484222325ULL, cc), "\n");
	h = fnv1a(h, src);
	snprintf(so, sizeof(so), "%s/m%016llx.so", dir, (unsigned long long)h);
	if ((stat(so, &st) < 0 || st.st_uid != getuid()) &&
	    compile(cc, dir, src, so, err) < 0)
		return NULL;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		twin_nomem(err);
		return NULL;
	}
	if ((j->dl = dlopen(so, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		twin_errork(err, TWIN_ESYSTEM, "%s: %s", so, dlerror());
		free(j);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		void *p = dlsym(j->dl, names[i]);

		if (p == NULL) {
			twin_errork(err, TWIN_ESYSTEM, "%s: no %s", so,
			    names[i]);
			jit_free(j);
			return NULL;
		}
		/* POSIX: a data pointer from dlsym converts to a function
		 * pointer; memcpy says so without a pedantic warning. */
		memcpy(&fn[i], &p, sizeof(p));
	}
	return j;
}

void
jit_free(struct jit *j)
{
	if (j == NULL)
		return;
	if (j->dl)
		dlclose(j->dl);
	free(j);
}
