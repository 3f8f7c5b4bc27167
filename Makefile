# mirlens - plain GNU Makefile (see docs/STYLE in the team's shared docs).
#   make            libmirlens.a and ./mirlens
#   make test       unit + reference + CLI tests (non-zero on any failure)
#   make san        ASan+UBSan build running the tests
#   make bench      benchmarks (bench/README.md)
#   make KERAS=0    without `mirlens import-keras` (no HDF5/cJSON; default KERAS=auto)
#   make format / format-check / clean
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

.PHONY: all test san bench format format-check clean tools usepublic FORCE
all: $(LIBA) $(EXE)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EXE): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDLIBS)

# the CLI finds the shipped default model through the build tree's absolute path
$(BUILD)/src/cli/%.o: CPPFLAGS += -DMRL_DEFAULT_MODEL='"$(CURDIR)/models/default.mrlm"'

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
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

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
	rm -rf build build-san libmirlens.a mirlens

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Regenerate the built-in energy tables from ViennaRNA parameter files (needs ../shared).
PARAMS_DIR ?= ../shared/params
params: $(BUILD)/tools/par2c
	$(BUILD)/tools/par2c src/fold/params_builtin.c \
	  mrl_params_rnafold_2_1_3 rnafold-2.1.3 $(PARAMS_DIR)/rna_turner2004_rnafold-2.1.3_builtin.par \
	  mrl_params_turner2004 turner2004 $(PARAMS_DIR)/rna_turner2004_rnafold-2.7.1_builtin.par
.PHONY: params
