# twin - pharmacokinetic and metabolic virtual twins.
# Plain GNU make; dependencies through pkg-config, SUNDIALS named directly
# (Debian's libsundials-dev ships no .pc file).

VERSION = 0.1.0
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/twin
MODELDIR = $(DATADIR)/models
TABLEDIR = $(DATADIR)/data
MANDIR = $(PREFIX)/share/man

CC = cc
PKGS = gsl yaml-0.1 zlib
# Asked of pkg-config when the Makefile is read: `make demo` and `make
# check` install the packages first (target deps) and then run a second
# make, which reads them; a plain `make` without them stops at depcheck.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SUNDIALS_LIBS = -lsundials_cvodes -lsundials_nvecserial \
	-lsundials_sunmatrixdense -lsundials_sunlinsoldense \
	-lsundials_sunmatrixsparse -lsundials_sunlinsolklu -lklu
# SUNDIALS's KLU header includes <klu.h> from SuiteSparse.
KLU_CFLAGS = -I/usr/include/suitesparse

OPT = -O2
CFLAGS = -std=c11 $(OPT) -g -Wall -Wextra -Werror -pedantic
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -DTWIN_VERSION=\"$(VERSION)\" \
	-DTWIN_MODELDIR=\"$(MODELDIR)\" \
	-DTWIN_DATADIR=\"$(TABLEDIR)\" -Ilib $(PKG_CFLAGS) $(KLU_CFLAGS)
LDLIBS = $(SUNDIALS_LIBS) $(PKG_LIBS) -lpthread -ldl -lm

# lib/ in layers, lowest first: a file includes only headers of its own
# layer or of the layers before it (tests/layers.sh checks).
LAYERS = util data model body solve report estim
LIBSRC = $(foreach l,$(LAYERS),$(wildcard lib/$(l)/*.c))
LIBOBJ = $(LIBSRC:.c=.o)
PROGS = twin-sim twin-fit twin-report twin-dose twin-pop twin-pbpk
UNITSRC = $(wildcard tests/unit/test_*.c)
UNITS = $(UNITSRC:.c=)
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

all: $(PROGS)

# Before compiling anything: are the libraries there?  (pkg-config said
# nothing when the Makefile was read.)
depcheck:
	@test -n "$(PKG_LIBS)" || { echo "twin: pkg-config finds no $(PKGS):" \
	    "run 'make deps' as root (or see README.md) first" >&2; exit 1; }

$(LIBOBJ) $(PROGS) $(UNITS): | depcheck

lib/%.o: lib/%.c $(wildcard lib/*/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

libtwin.a: $(LIBOBJ)
	rm -f $@
	$(AR) rc $@ $(LIBOBJ)

twin-%: cmd/twin-%.c cmd/cli.c cmd/cli.h libtwin.a
	$(CC) $(CPPFLAGS) -Icmd $(CFLAGS) $(LDFLAGS) -o $@ $< cmd/cli.c libtwin.a $(LDLIBS)

tests/unit/%: tests/unit/%.c tests/unit/tap.h tests/unit/build.h \
    tests/unit/popload.h libtwin.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< libtwin.a $(LDLIBS)

deps:
	@sh .ci/deps

# deps first, then a new make that reads the flags of what deps installed.
check: deps
	@$(MAKE) --no-print-directory check-installed

check-installed: all $(UNITS)
	prove -f tests/unit/run.t tests/ref/selfcheck.t tests/cmd/*.t
	mandoc -T lint -W warning $(MAN1) $(MAN5) $(MAN7)
	cppcheck --error-exitcode=1 --enable=warning,style,performance \
	    --quiet -Ilib -Icmd $(LIBSRC) cmd/*.c
	sh tests/layers.sh $(LAYERS)

test: check

demo: deps
	@$(MAKE) --no-print-directory all
	sh examples/demo.sh

bench: all
	sh bench/run.sh

# libFuzzer on the parsers: records, expressions, model files, dosing
# regimens, targets, and the provenance lines --merge reads.
FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-D_POSIX_C_SOURCE=200809L -Ilib
fuzz:
	mkdir -p fuzz-corpus/expr fuzz-corpus/record fuzz-corpus/model \
	    fuzz-corpus/regimen fuzz-corpus/target fuzz-corpus/provenance
	cp -f models/*.yaml testdata/*.yaml fuzz-corpus/model/
	split -l 1 testdata/regimens.txt fuzz-corpus/regimen/seed-
	clang $(FUZZ_FLAGS) -o fuzz-expr tests/unit/fuzz_expr.c lib/model/expr.c \
	    lib/util/err.c -lm
	clang $(FUZZ_FLAGS) -o fuzz-record tests/unit/fuzz_record.c \
	    lib/data/record.c lib/data/table.c lib/util/num.c lib/util/err.c \
	    lib/util/shard.c \
	    -lz -lm
	clang $(FUZZ_FLAGS) -o fuzz-model tests/unit/fuzz_model.c \
	    lib/model/model.c lib/model/model_yaml.c lib/model/expr.c \
	    lib/util/jit.c lib/util/units.c lib/util/err.c lib/util/num.c \
	    lib/util/datafile.c lib/util/shard.c \
	    -lyaml -lm
	clang $(FUZZ_FLAGS) -o fuzz-regimen tests/unit/fuzz_regimen.c \
	    lib/data/regimen.c lib/util/units.c lib/util/num.c lib/util/err.c -lm
	clang $(FUZZ_FLAGS) -o fuzz-target tests/unit/fuzz_target.c \
	    lib/report/target.c lib/data/profile.c lib/data/record.c \
	    lib/data/events.c lib/data/table.c lib/util/num.c lib/util/err.c lib/util/shard.c \
	    -lgsl -lgslcblas -lz -lm
	./fuzz-expr -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/expr
	./fuzz-record -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/record
	./fuzz-model -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/model
	./fuzz-regimen -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/unit/fuzz_regimen.dict fuzz-corpus/regimen
	clang $(FUZZ_FLAGS) -o fuzz-provenance tests/unit/fuzz_provenance.c \
	    lib/util/provenance.c lib/util/shard.c lib/util/err.c
	./fuzz-target -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/target
	./fuzz-provenance -max_total_time=$(FUZZ_SECONDS) fuzz-corpus/provenance

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MODELDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7
	cp -f $(PROGS) $(DESTDIR)$(BINDIR)/
	cp -f models/*.yaml $(DESTDIR)$(MODELDIR)/
	mkdir -p $(DESTDIR)$(MODELDIR)/drugs
	cp -f models/drugs/*.yaml $(DESTDIR)$(MODELDIR)/drugs/
	for d in data/*/; do [ -d "$$d" ] || continue; mkdir -p $(DESTDIR)$(TABLEDIR)/$${d#data/} && \
	    cp -f $$d*.tsv $(DESTDIR)$(TABLEDIR)/$${d#data/}; done
	cp -f $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp -f $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp -f $(MAN7) $(DESTDIR)$(MANDIR)/man7/

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	rm -rf $(DESTDIR)$(DATADIR)
	for m in $(notdir $(MAN1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(MAN5)); do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done
	for m in $(notdir $(MAN7)); do rm -f $(DESTDIR)$(MANDIR)/man7/$$m; done

clean:
	rm -f lib/*/*.o libtwin.a $(PROGS) $(UNITS) fuzz-expr fuzz-record \
	    fuzz-model fuzz-regimen fuzz-target fuzz-provenance
	rm -rf fuzz-corpus

.PHONY: all depcheck deps check check-installed test demo bench fuzz install uninstall clean
