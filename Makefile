# mirlens - plain GNU Makefile (see docs/STYLE in the team's shared docs).
#   make            libmirlens.a and ./mirlens
#   make test       unit + reference + CLI tests (non-zero on any failure)
#   make san        ASan+UBSan build running the tests
#   make fuzz       libFuzzer harnesses of the readers in build/fuzz (tests/fuzz/run.sh)
#   make bench      benchmarks (bench/README.md)
#   make KERAS=0    without `mirlens import-keras` (no HDF5/cJSON; default KERAS=auto)
#   make format / format-check / clean
#   make install / uninstall   PREFIX (/usr/local), DESTDIR, LIBDIR, ... (below)
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wdouble-promotion -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CPPFLAGS += -D_GNU_SOURCE -Iinclude -Isrc
LDLIBS   = -lpng -lz -ldnnl -lgomp $(KERAS_LIBS) -lm -lpthread
BUILD   ?= build

# The Keras importer (src/nn/keras.c, `mirlens import-keras`) is the only user of HDF5 and
# cJSON. KERAS=auto (default) builds it when both are found, KERAS=0 never, KERAS=1 insists.
# Without it the library and mirlens carry no HDF5/cJSON flags at all, and
# mrl_model_import_keras fails with MRL_ERR_UNAVAILABLE (mrl_keras_available() == 0).
KERAS ?= auto
ifeq ($(filter auto 0 1,$(KERAS)),)
$(error KERAS must be auto, 0 or 1 (got '$(KERAS)'))
endif
ifneq ($(KERAS),0)
HDF5_FOUND := $(shell pkg-config --exists hdf5 2>/dev/null && echo pc || \
                (test -r /usr/include/hdf5/serial/hdf5.h && echo dir))
CJSON_FOUND := $(shell pkg-config --exists libcjson 2>/dev/null && echo pc || \
                 (test -r /usr/include/cjson/cJSON.h && echo dir))
ifeq ($(HDF5_FOUND),pc)
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5)
HDF5_LIBS   := $(shell pkg-config --libs hdf5)
else ifeq ($(HDF5_FOUND),dir)
HDF5_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
HDF5_CFLAGS := -I/usr/include/hdf5/serial
HDF5_LIBS   := -L/usr/lib/$(or $(HDF5_MULTIARCH),x86_64-linux-gnu)/hdf5/serial -lhdf5
endif
ifeq ($(CJSON_FOUND),pc)
CJSON_CFLAGS := $(shell pkg-config --cflags libcjson)
CJSON_LIBS   := $(shell pkg-config --libs libcjson)
else ifeq ($(CJSON_FOUND),dir)
CJSON_LIBS   := -lcjson
endif
KERAS_MISSING := $(if $(HDF5_FOUND),$(if $(CJSON_FOUND),,cJSON),HDF5$(if $(CJSON_FOUND),, and cJSON))
ifeq ($(KERAS_MISSING),)
HAVE_KERAS := 1
else ifeq ($(KERAS),1)
$(error KERAS=1 but $(KERAS_MISSING) not found (tried pkg-config hdf5 / libcjson, \
/usr/include/hdf5/serial/hdf5.h, /usr/include/cjson/cJSON.h): install libhdf5-dev and \
libcjson-dev, or build with KERAS=0)
endif
endif
ifeq ($(HAVE_KERAS),1)
KERAS_CPPFLAGS = -DMRL_HAVE_KERAS $(HDF5_CFLAGS) $(CJSON_CFLAGS)
KERAS_LIBS = $(HDF5_LIBS) $(CJSON_LIBS)
else
HAVE_KERAS := 0
endif

LIB_SRC  = $(sort $(wildcard src/util/*.c src/io/*.c src/fold/*.c src/encode/*.c \
                             src/pipeline/*.c src/nn/*.c src/explain/*.c \
                             src/report/*.c src/scan/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c tests/ref/test_*.c))
BENCH_SRC = $(sort $(wildcard bench/*.c))
TOOL_SRC = $(sort $(wildcard tools/*.c))

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:%.c=$(BUILD)/%)
BENCH_BIN = $(BENCH_SRC:%.c=$(BUILD)/%)
TOOL_BIN = $(TOOL_SRC:%.c=$(BUILD)/%)

LIBA     = $(if $(filter build,$(BUILD)),libmirlens.a,$(BUILD)/libmirlens.a)
EXE      = $(if $(filter build,$(BUILD)),mirlens,$(BUILD)/mirlens)

# ---- shared library, install, pkg-config, man pages, completion, Python (issue 24) ----
.DEFAULT_GOAL := all
# One version, MRL_VERSION of include/mirlens.h: libmirlens.so.MAJOR.MINOR.PATCH with
# SONAME libmirlens.so.MAJOR. Only the functions the public header declares are exported
# (a version script made from it). The CLI and the tests keep linking libmirlens.a.
VERSION := $(shell sed -n 's/^\#define MRL_VERSION "\(.*\)"/\1/p' include/mirlens.h)
MAJOR   := $(firstword $(subst ., ,$(VERSION)))
SONAME   = libmirlens.so.$(MAJOR)
SODIR    = $(if $(filter build,$(BUILD)),.,$(BUILD))
SO       = $(SODIR)/libmirlens.so.$(VERSION)
# CLI_LINK=shared (the Debian packages): the installed command is linked against
# libmirlens.so.MAJOR, so the library is shipped once (libmirlens0); ./mirlens of the build
# tree stays static either way (tests, man pages and a moved tree need no library path).
CLI_LINK ?= static
INSTALL_EXE = $(if $(filter shared,$(CLI_LINK)),$(BUILD)/mirlens-shared,$(EXE))
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
# Debian's python3 reads /usr/lib/python3/dist-packages (packages) and
# /usr/local/lib/python3.X/dist-packages (local installs)
PYTHON  ?= /usr/bin/python3
PYTHONDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/python3/dist-packages,$(PREFIX)/lib/$(shell \
               $(PYTHON) -c 'import sys; print("python%d.%d" % sys.version_info[:2])' \
               2>/dev/null || echo python3)/dist-packages)
HELP2MAN ?= help2man
comma   := ,
# the subcommands, from the command table of src/cli/main.c
SUBCMDS := $(shell sed -n 's/^ *{"\([a-z-]*\)", cmd_.*/\1/p' src/cli/main.c)
DATA     = models/default.mrlm models/genome.mrlm models/genome_scratch.mrlm models/background.u8 models/background.names
MANPAGES = $(BUILD)/man/mirlens.1 $(SUBCMDS:%=$(BUILD)/man/mirlens-%.1)

# the data directory compiled into mrl_data_dir(); datadir.cfg holds the last one
$(BUILD)/src/util/datapath.o: CPPFLAGS += -DMRL_DATADIR='"$(DATADIR)/mirlens"'
$(BUILD)/src/util/datapath.o: $(BUILD)/datadir.cfg
$(BUILD)/datadir.cfg: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)/mirlens' | cmp -s - $@ || echo '$(DATADIR)/mirlens' > $@

$(BUILD)/libmirlens.map: include/mirlens.h
	@mkdir -p $(dir $@)
	{ echo 'MIRLENS_$(MAJOR) {'; echo 'global:'; \
	  grep -o '\bmrl_[a-z0-9_]*(' $< | tr -d '(' | sort -u | sed 's/.*/    &;/'; \
	  echo 'local: *;'; echo '};'; } > $@

$(SO): $(LIB_OBJ) $(BUILD)/libmirlens.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
	  -Wl,--version-script=$(BUILD)/libmirlens.map -o $@ $(LIB_OBJ) $(LDLIBS)
	ln -sf libmirlens.so.$(VERSION) $(SODIR)/$(SONAME)
	ln -sf $(SONAME) $(SODIR)/libmirlens.so

# pkg-config file; paths under PREFIX are written as ${prefix}/..., so that
# pkg-config --define-variable=prefix=DIR finds a moved (or DESTDIR) tree
PC = prefix=$(PREFIX)\nincludedir=$(INCLUDEDIR:$(PREFIX)%=$${prefix}%)\n$\
     libdir=$(LIBDIR:$(PREFIX)%=$${prefix}%)\n\nName: mirlens\n$\
     Description: find pre-miRNAs with a CNN over hairpin images\nVersion: $(VERSION)\n$\
     Cflags: -I$${includedir}\nLibs: -L$${libdir} -lmirlens\nLibs.private: $(LDLIBS)\n
$(BUILD)/mirlens.pc: FORCE
	@mkdir -p $(dir $@)
	@printf '$(PC)' | cmp -s - $@ || printf '$(PC)' > $@

# man pages from each command's --help (Debian's help2man): mirlens(1) with the command
# list, and mirlens-CMD(1) from a two-line wrapper named so (help2man takes the page's name
# from the program's)
man: $(MANPAGES)
$(BUILD)/man/mirlens.1: $(EXE)
	@command -v $(HELP2MAN) >/dev/null || { echo "make: $(HELP2MAN) not found: the man \
	  pages are made with Debian's help2man (apt-get install help2man)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	printf '[SEE ALSO]\n%s\n' '$(patsubst %,mirlens-%(1)$(comma),$(SUBCMDS))' | \
	  sed 's/,$$/./' > $(BUILD)/man/see-also.h2m
	$(HELP2MAN) -N -n 'find pre-miRNAs with a CNN and explain its decisions' \
	  --version-string=$(VERSION) -i $(BUILD)/man/see-also.h2m -o $@ ./$(EXE)
$(BUILD)/man/mirlens-%.1: $(EXE)
	@mkdir -p $(BUILD)/man/bin
	printf '#!/bin/sh\nexec "%s" %s "$$@"\n' '$(abspath $(EXE))' '$*' > $(BUILD)/man/bin/mirlens-$*
	chmod +x $(BUILD)/man/bin/mirlens-$*
	$(HELP2MAN) -N -n "$$(./$(EXE) --help | sed -n 's/^  $* *//p')" \
	  --version-string=$(VERSION) -o $@ $(BUILD)/man/bin/mirlens-$*

install: all man $(BUILD)/mirlens.pc $(INSTALL_EXE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(DATADIR)/mirlens/examples $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(PYTHONDIR)/mirlens
	install -m 755 $(INSTALL_EXE) $(DESTDIR)$(BINDIR)/mirlens
	install -m 644 $(SO) $(LIBA) $(DESTDIR)$(LIBDIR)/
	ln -sf libmirlens.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmirlens.so
	install -m 644 include/mirlens.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(BUILD)/mirlens.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 $(DATA) $(DESTDIR)$(DATADIR)/mirlens/
	install -m 644 examples/hairpins.fa $(DESTDIR)$(DATADIR)/mirlens/examples/
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completion/mirlens.bash $(DESTDIR)$(COMPLETIONDIR)/mirlens
	install -m 644 python/mirlens/*.py $(DESTDIR)$(PYTHONDIR)/mirlens/
	echo 'LIBDIR = "$(LIBDIR)"' > $(DESTDIR)$(PYTHONDIR)/mirlens/_config.py

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mirlens $(DESTDIR)$(LIBDIR)/libmirlens.so.$(VERSION) \
	  $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmirlens.so \
	  $(DESTDIR)$(LIBDIR)/libmirlens.a $(DESTDIR)$(INCLUDEDIR)/mirlens.h \
	  $(DESTDIR)$(PKGCONFIGDIR)/mirlens.pc $(DESTDIR)$(COMPLETIONDIR)/mirlens \
	  $(MANPAGES:$(BUILD)/man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -rf $(DESTDIR)$(DATADIR)/mirlens $(DESTDIR)$(PYTHONDIR)/mirlens

# make install into a temporary tree, then the installed program, library, pkg-config
# file, Python package and uninstall (tests/pkg/install.sh); the Debian packages in a
# bare Debian 12 chroot (tests/pkg/deb_bare.sh, root only)
check-install: all
	bash tests/pkg/install.sh
check-deb:
	bash tests/pkg/deb_bare.sh
.PHONY: install uninstall man check-install check-deb

.PHONY: all test san bench format format-check clean tools usepublic FORCE
all: $(LIBA) $(SO) $(EXE)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EXE): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDLIBS)

$(BUILD)/mirlens-shared: $(CLI_OBJ) $(SO)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(SODIR)/$(SONAME) -Wl,--as-needed $(LDLIBS)

# Only the importer and its test see -DMRL_HAVE_KERAS and the HDF5/cJSON headers; both are
# rebuilt when the choice changes ($(BUILD)/keras.cfg holds the last one). `private` keeps
# the flags off the library objects that the test's prerequisites build.
$(BUILD)/src/nn/keras.o $(BUILD)/tests/ref/test_keras_import: private CPPFLAGS += $(KERAS_CPPFLAGS)
$(BUILD)/src/nn/keras.o $(BUILD)/tests/ref/test_keras_import: $(BUILD)/keras.cfg
$(BUILD)/keras.cfg: FORCE
	@mkdir -p $(dir $@)
	@echo 'HAVE_KERAS=$(HAVE_KERAS) $(KERAS_CPPFLAGS)' | cmp -s - $@ || \
	  echo 'HAVE_KERAS=$(HAVE_KERAS) $(KERAS_CPPFLAGS)' > $@
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC $(WARN) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIBA) tests/unit/test.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) -o $@ $< $(LIBA) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIBA) $(LDLIBS)

$(BUILD)/tools/%: tools/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIBA) $(LDLIBS)

tools: $(TOOL_BIN)

test: all $(TEST_BIN)
	@BUILD=$(BUILD) MIRLENS=./$(EXE) bash tests/run.sh $(TEST_BIN)

# ASan + UBSan build in its own directory, then the whole test suite on it. oneDNN is held
# to AVX-512 + BF16 (no AMX) here: on AMX CPUs Debian's oneDNN 2.7 segfaults inside its own
# dnnl_primitive_create under ASan (seen in test_nn_determinism, 2026-12-02); plain
# `make test` runs the AMX kernels.
san:
	ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 $(MAKE) BUILD=build-san CC=clang OPT=-O1 \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

# libFuzzer harnesses of every reader (tests/fuzz/README.md; clang with its runtime,
# Debian's clang and libclang-rt-14-dev): the library built with
# -fsanitize=fuzzer-no-link,address,undefined in build/fuzz/lib, each tests/fuzz/fuzz_X.c
# linked with -fsanitize=fuzzer into build/fuzz/fuzz_X (the line reader's block cut to 64
# bytes, so short inputs cross block ends). tests/fuzz/run.sh [SECONDS] runs them.
# fuzz_keras compiles src/nn/keras.c into itself: built only with the Keras importer.
FUZZ_CC  ?= clang
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB  = build/fuzz/lib/libmirlens.a
FUZZ_BIN  = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(filter-out \
              $(if $(filter 1,$(HAVE_KERAS)),,tests/fuzz/fuzz_keras.c),\
              $(sort $(wildcard tests/fuzz/fuzz_*.c))))
fuzz:
	$(MAKE) BUILD=build/fuzz/lib CC=$(FUZZ_CC) OPT=-O1 \
	  CFLAGS="-O1 -g -DMRL_LINES_BLOCK=64 -fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_LIB)
	$(MAKE) $(FUZZ_BIN)
$(FUZZ_BIN): build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) $(KERAS_CPPFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(WARN) \
	  -o $@ $< $(FUZZ_LIB) $(LDLIBS)
fuzz-clean:
	rm -rf build/fuzz
.PHONY: fuzz fuzz-clean

bench: all $(BENCH_BIN)
	@BUILD=$(BUILD) MIRLENS=./$(EXE) bash bench/run.sh

# Each public header must compile on its own (htslib's usepublic check).
usepublic:
	@printf '#include "mirlens.h"\nint main(void){return 0;}\n' | \
	  $(CC) -Iinclude -std=c11 -Wall -Wextra -Werror -x c -o /dev/null -

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) include/mirlens.h $(wildcard src/*/*.h)

format-check:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) include/mirlens.h

clean:
	rm -rf build build-san libmirlens.a mirlens libmirlens.so libmirlens.so.*

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Regenerate the built-in energy tables from ViennaRNA parameter files (needs ../shared).
PARAMS_DIR ?= ../shared/params
params: $(BUILD)/tools/par2c
	$(BUILD)/tools/par2c src/fold/params_builtin.c \
	  mrl_params_rnafold_2_1_3 rnafold-2.1.3 $(PARAMS_DIR)/rna_turner2004_rnafold-2.1.3_builtin.par \
	  mrl_params_turner2004 turner2004 $(PARAMS_DIR)/rna_turner2004_rnafold-2.7.1_builtin.par
.PHONY: params
