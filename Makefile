# mirlens - plain GNU Makefile (see docs/STYLE in the team's shared docs).
#   make            libmirlens.a and ./mirlens
#   make test       unit + reference + CLI tests (non-zero on any failure)
#   make san        ASan+UBSan build running the tests
#   make bench      benchmarks (bench/README.md)
#   make format / format-check / clean
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wdouble-promotion -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN    += -Werror
endif
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS   := $(shell pkg-config --libs hdf5 2>/dev/null || echo -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5)
CPPFLAGS += -D_GNU_SOURCE -Iinclude -Isrc $(HDF5_CFLAGS)
LDLIBS   = -lpng -lz -ldnnl -lgomp $(HDF5_LIBS) -lcjson -lm -lpthread
BUILD   ?= build

LIB_SRC  = $(sort $(wildcard src/util/*.c src/io/*.c src/fold/*.c src/encode/*.c \
                             src/nn/*.c src/explain/*.c))
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

.PHONY: all test san bench format format-check clean tools usepublic
all: $(LIBA) $(EXE)

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EXE): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDLIBS)

# the CLI finds the shipped default model through the build tree's absolute path
$(BUILD)/src/cli/%.o: CPPFLAGS += -DMRL_DEFAULT_MODEL='"$(CURDIR)/models/default.mrlm"'

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
