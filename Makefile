# aeclust — build, test, run. The README's two commands are `make run` and `make test`.
#
#   make            build build/aeclust, build/libaeclust.a and build/libaeclust.so
#   make run        set up (packages, data), build, run the default experiment
#   make test       set up, build, run every test
#   make test-asan  the tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      speed and memory benchmarks
#   make install PREFIX=/usr/local   [DESTDIR=staging folder]

BUILD    ?= build
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
CC       ?= cc
OPT      ?= -O2 -march=native
SAN      ?=
EXPERIMENT ?= experiments/fashion-dense-ae-32.ini

CPPFLAGS += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L $(shell pkg-config --cflags cairo 2>/dev/null)
# -fopenmp-simd: the `omp simd` vectorisation hints only; threads come from
# src/core/pool.h, so nothing links libgomp.
CFLAGS   += -std=c11 -Wall -Wextra -Werror -g $(OPT) $(SAN) -fopenmp-simd
# every object (library, CLI, tests, benchmarks) also writes a .d file listing
# the headers it read, so a header change rebuilds only what includes it
DEPFLAGS := -MMD -MP
# The library's objects are position independent so that one set serves both
# the static and the shared library. -fno-semantic-interposition keeps GCC
# inlining the library's own global functions within a file (which plain
# -fPIC forbids, in case another library replaced them): without it the conv
# nets of make bench took about 7 % more CPU time; with it the nets and
# k-means match the non-PIC build (README). No program may interpose an ae_
# symbol.
PIC      := -fPIC -fno-semantic-interposition
LDFLAGS  += $(SAN)
LDLIBS   += -larpack -llapacke -lopenblas -lcairo -ljson-c -lpng -lz -lm -lpthread

# The version is written once, in include/aeclust/version.h; the shared
# library's soname carries its major number.
version_part = $(shell sed -n 's/^\#define AECLUST_VERSION_$(1) \([0-9][0-9]*\)$$/\1/p' include/aeclust/version.h)
VERSION  := $(call version_part,MAJOR).$(call version_part,MINOR).$(call version_part,PATCH)
SONAME   := libaeclust.so.$(call version_part,MAJOR)
SO_FILE  := libaeclust.so.$(VERSION)

LIB_SRC  := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test tests test-asan check bench install setup setup-tests clean FORCE
.DELETE_ON_ERROR:

all: $(BUILD)/aeclust $(BUILD)/libaeclust.a $(BUILD)/libaeclust.so

# Everything built also depends on the flags it was built with: a change of
# CC, OPT, SAN, ... rebuilds it. The stamp is rewritten only when they differ
# (and only by a build, not by make -n or -q).
FLAGS_STAMP := $(BUILD)/build-flags
build_flags := $(strip $(CC) $(CPPFLAGS) $(CFLAGS) $(PIC) $(LDFLAGS) $(LDLIBS))
ifneq ($(build_flags),$(strip $(file <$(FLAGS_STAMP))))
$(FLAGS_STAMP): FORCE
endif
$(FLAGS_STAMP):
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(build_flags)' > $@
FORCE:

$(LIB_OBJ): CFLAGS += $(PIC)

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libaeclust.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/$(SO_FILE): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/$(SONAME): $(BUILD)/$(SO_FILE)
	ln -sf $(SO_FILE) $@

$(BUILD)/libaeclust.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(BUILD)/aeclust: $(CLI_OBJ) $(BUILD)/libaeclust.a $(FLAGS_STAMP)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libaeclust.a $(LDLIBS)

$(TEST_OBJ): CPPFLAGS += -Itests

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(BUILD)/libaeclust.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libaeclust.a $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(BUILD)/libaeclust.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libaeclust.a $(LDLIBS)

# keep the test and bench objects (make would delete them as intermediates)
.SECONDARY: $(TEST_OBJ) $(BENCH_OBJ)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d)

# Packages and data: idempotent, quick when everything is in place.
setup:
	@scripts/setup.sh

# The tests also need Chromium (the HTML report is opened headless).
setup-tests:
	@scripts/setup.sh --tests

run: setup
	@$(MAKE) --no-print-directory all
	$(BUILD)/aeclust run $(EXPERIMENT)

test: setup-tests
	@$(MAKE) --no-print-directory all tests
	@scripts/run-tests.sh $(BUILD)

tests: $(TEST_BIN)

check: test

test-asan: setup-tests
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" all tests
	@scripts/run-tests.sh build-asan

bench: setup
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@scripts/bench.sh $(BUILD)

# aeclust.pc names the folders relative to ${prefix} when they are inside it.
pc_libdir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
pc_includedir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

# The binary, both libraries with the soname and development links, the
# headers and aeclust.pc. (A system folder then wants `ldconfig`.)
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/aeclust
	install -m 755 $(BUILD)/aeclust $(DESTDIR)$(BINDIR)/
	install -m 644 $(BUILD)/libaeclust.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/$(SO_FILE) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libaeclust.so
	install -m 644 include/aeclust/*.h $(DESTDIR)$(INCLUDEDIR)/aeclust/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(pc_libdir)|; s|@INCLUDEDIR@|$(pc_includedir)|; s|@VERSION@|$(VERSION)|' \
	  aeclust.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/aeclust.pc

clean:
	rm -rf build build-asan
