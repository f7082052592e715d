# aeclust — build, test, run. The README's two commands are `make run` and `make test`.
#
#   make            build build/aeclust and build/libaeclust.a
#   make run        set up (packages, data), build, run the default experiment
#   make test       set up, build, run every test
#   make test-asan  the tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      speed and memory benchmarks
#   make install PREFIX=/usr/local

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
OPT      ?= -O2 -march=native
SAN      ?=
EXPERIMENT ?= experiments/fashion-dense-ae-32.ini

CPPFLAGS += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L $(shell pkg-config --cflags cairo 2>/dev/null)
CFLAGS   += -std=c11 -Wall -Wextra -Werror -g $(OPT) $(SAN) -fopenmp
LDFLAGS  += $(SAN) -fopenmp
LDLIBS   += -larpack -llapacke -lopenblas -lcairo -ljson-c -lpng -lz -lm -lpthread

LIB_SRC  := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
HEADERS  := $(wildcard include/aeclust/*.h) $(shell find src -name '*.h')

.PHONY: all run test tests test-asan check bench install setup setup-tests clean
.DELETE_ON_ERROR:

all: $(BUILD)/aeclust $(BUILD)/libaeclust.a

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libaeclust.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/aeclust: $(CLI_OBJ) $(BUILD)/libaeclust.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libaeclust.a $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(wildcard tests/*.h) $(BUILD)/libaeclust.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libaeclust.a $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libaeclust.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libaeclust.a $(LDFLAGS) $(LDLIBS)

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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/aeclust
	install -m 755 $(BUILD)/aeclust $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libaeclust.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/aeclust/*.h $(DESTDIR)$(PREFIX)/include/aeclust/
	sed -e 's|@PREFIX@|$(PREFIX)|' aeclust.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/aeclust.pc

clean:
	rm -rf build build-asan
