# wijksim: `make run` and `make test` are all a fresh Debian 12 machine needs (as root).
# Build outputs go to build/ and bin/; nothing outside the repository is touched except
# the Debian packages `make deps` installs.

CC      ?= gcc
# MPI support for `mpirun ... wijksim sweep`: built with mpicc when it is installed (make deps
# installs it); `make MPI=0` builds without. `make nompi` builds that flavour in bin-nompi/.
MPICC   := $(shell command -v mpicc 2>/dev/null)
MPI     ?= $(if $(MPICC),1,0)
ifeq ($(MPI),1)
CC      := mpicc
MPIFLAGS := -DWIJKSIM_MPI
endif
PKGS    := gsl libconfig hdf5
OPT     ?= -O2
SAN     ?=
BUILD   ?= build
BIN     ?= bin
CFLAGS  := $(OPT) $(SAN) $(MPIFLAGS) -std=c11 -Wall -Wextra -Werror -fopenmp -D_GNU_SOURCE -I. -I$(BUILD) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhdf5_hl -lm
LDFLAGS := $(SAN) -fopenmp $(shell pkg-config --libs-only-L hdf5 2>/dev/null)

# Debian 12 packages the build, tests and benchmarks need.
DEB_PACKAGES := gcc make pkg-config libgsl-dev libconfig-dev libhdf5-dev hdf5-tools \
                openmpi-bin libopenmpi-dev time python3-numpy python3-h5py python3-matplotlib \
                python3-pytest python3-scipy chromium clang libomp-dev clang-format python3-xarray python3-h5netcdf groff-base

# Three layers: core/ (the registries, life domains and random streams), models/ (the model,
# on core/) and sim/ (running, files and the command line, on both). Includes name the
# layer: #include "core/params.h".
CORE_SRC   := $(wildcard core/*.c)
SIM_SRC    := $(filter-out sim/main.c,$(wildcard sim/*.c))
MODEL_SRC  := $(wildcard models/*.c)
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(SIM_SRC) $(MODEL_SRC))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/tests/%,$(wildcard tests/unit/test_*.c))
HEADERS    := $(wildcard core/*.h core/*.def sim/*.h models/*.h tests/unit/*.h tests/fuzz/*.h)

.SECONDARY:

.PHONY: all deps run test unit-tests nompi clang fuzz fuzz-replay asan bench bench-scaling engine-fixture engine-check mutants test-slurm facts-long docs check-docs calibration fit fit-informal fit-youth responses workshop format install-completion install-man clean FORCE

all: $(BIN)/wijksim

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The commit of the build, rewritten only when it changes.
$(BUILD)/commit.h: FORCE
	@mkdir -p $(BUILD)
	@c=$$(git describe --always --dirty 2>/dev/null || echo unknown); \
	 echo "#define WIJKSIM_COMMIT \"$$c\"" > $@.new; \
	 cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# The compiler and flags of the build (MPI or not, sanitizers), rewritten only when they change,
# so that switching them rebuilds every object.
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS)' > $@.new; cmp -s $@.new $@ && rm $@.new || mv $@.new $@

$(BUILD)/%.o: %.c $(HEADERS) $(BUILD)/commit.h $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN)/wijksim: $(BUILD)/sim/main.o $(LIB_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BIN)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_OBJ)
	@mkdir -p $(BIN)/tests
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BIN)/bench: $(BUILD)/tests/bench/bench.o $(LIB_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

unit-tests: $(UNIT_TESTS)

# Fuzzing (tests/fuzz/): the harnesses built with clang, libFuzzer, ASan and UBSan in
# bin-fuzz/, each run for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=1800 FUZZ_TARGETS=merge); and the
# same harnesses built with the normal compiler as replayers, which make test runs over the
# seed corpus and every input that ever crashed (tests/cli/test_fuzz_replay.sh).
FUZZ_TARGETS ?= scenario spec journal merge
FUZZ_SECONDS ?= 60
FUZZ_COMMON  := $(BUILD)/tests/fuzz/fuzz_common.o

$(BIN)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(LIB_OBJ)
	@mkdir -p $(BIN)/fuzz
	$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

$(BIN)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(BUILD)/tests/fuzz/replay_main.o $(LIB_OBJ)
	@mkdir -p $(BIN)/fuzz
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

fuzz-replay: $(patsubst %,$(BIN)/fuzz/replay_%,$(FUZZ_TARGETS))

fuzz: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory MPI=0 CC=clang BUILD=build-fuzz BIN=bin-fuzz OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all" \
	  $(patsubst %,bin-fuzz/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	$(BIN)/wijksim run scenarios/baseline.cfg -o out/baseline.h5 --force

# The build without MPI, which must keep working (tests/cli/test_sweep.sh runs both).
nompi:
	@$(MAKE) --no-print-directory MPI=0 BUILD=build-nompi BIN=bin-nompi all

# The same sources built with clang (without MPI) in bin-clang/: the build must work with both
# compilers, and tests/cli/test_clang.sh checks that both give the same results.
clang:
	@$(MAKE) --no-print-directory MPI=0 CC=clang BUILD=build-clang BIN=bin-clang all

test: deps
	@$(MAKE) --no-print-directory all unit-tests nompi clang fuzz-replay
	@BIN=$(BIN) tests/run_tests.sh

# AddressSanitizer + UndefinedBehaviorSanitizer over the whole suite (separate build tree).
asan: deps
	@$(MAKE) --no-print-directory clang
	@$(MAKE) --no-print-directory MPI=0 BUILD=build-asan BIN=bin-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all unit-tests fuzz-replay
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp:print_suppressions=0 \
	  BIN=bin-asan WIJKSIM_QUICK=1 WIJKSIM_NO_MPI=1 tests/run_tests.sh

# Speed and memory of one run (bin/bench), then runs per minute of a sweep of the baseline on
# 1 and 2 threads and 2 MPI ranks (BENCH_SWEEP_RUNS runs, a multiple of 20; about 35 minutes
# on 2 cores at the default 200).
BENCH_SWEEP_RUNS ?= 200

bench: deps
	@$(MAKE) --no-print-directory all $(BIN)/bench
	$(BIN)/bench
	BIN=$(BIN) tests/bench/sweep_bench.sh $(BENCH_SWEEP_RUNS)

# The engine gives the same model (the performance issue): the outcome distributions of the
# baseline and two contrasting presets, ENGINE_REPLICATES replicates of the city, against those
# recorded in tests/engine/fixture.json before the engine was optimised (Welch t per scenario
# and outcome, Holm's correction, family-wise 1 %; tests/engine/equivalence.py). The check runs
# seed 2, the fixture seed 1, so an unchanged engine is tested on an independent sample. About
# 7 minutes on 2 cores each. engine-fixture records a new fixture: only before a change that
# must keep the model.
ENGINE_REPLICATES ?= 30
ENGINE_SCENARIOS  := scenarios/baseline.cfg scenarios/budget_cut.cfg scenarios/more_prevention.cfg
ENGINE_COMPARE     = $(BIN)/wijksim compare $(ENGINE_SCENARIOS) -r $(ENGINE_REPLICATES) --horizon 10 -q --force
engine-fixture: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out/engine
	$(ENGINE_COMPARE) --seed 1 -o out/engine/fixture.h5
	/usr/bin/python3 tests/engine/equivalence.py record out/engine/fixture.h5 tests/engine/fixture.json \
	  --command "$(ENGINE_COMPARE) --seed 1 (wijksim $$(git describe --always --dirty))"

engine-check: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out/engine
	$(ENGINE_COMPARE) --seed 2 -o out/engine/check.h5
	/usr/bin/python3 tests/engine/equivalence.py check out/engine/check.h5 tests/engine/fixture.json

# Scaling with threads on a machine with many cores: bench for 1 million residents and the
# Netherlands on 1, 2, 4, ... threads up to the cores, with speed-up and efficiency, then a
# sweep with all cores as threads and as MPI ranks (tests/bench/scaling.sh; THREADS,
# SCALING_NATIONAL=0, SCALING_SWEEP_RUNS). Not for the 2-core development machine.
bench-scaling: deps
	@$(MAKE) --no-print-directory all $(BIN)/bench
	BIN=$(BIN) tests/bench/scaling.sh

# Mutation testing: each mutant of tests/mutants/mutants.txt (a deliberate break of the model)
# is built without MPI in a copy of the tree, two at a time, and must be killed by the tests
# it names; non-zero status if one survives or is stale. MUTANT=id runs only that one. Not
# part of `make test`: several minutes.
MUTANT ?=

mutants:
	@tests/mutants/run_mutants.sh $(MUTANT)

# The Slurm scripts of docs/slurm on a one-node Slurm started on this machine, their results
# against the same sweep run here (tests/slurm/test_slurm.sh, docs/cluster.md). Installs
# Debian's slurm-wlm and munge, which only this target needs; runs as root. Not part of
# `make test`: about a minute.
SLURM_PACKAGES := slurm-wlm munge

test-slurm: deps
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(SLURM_PACKAGES)"
	@$(MAKE) --no-print-directory all
	@WIJKSIM=$(CURDIR)/$(BIN)/wijksim tests/slurm/test_slurm.sh

# The stylised facts with every claim asserted, the LONG ones (too few events for make test's
# runs) and the OPEN ones (facts the model does not show yet) included, on larger worlds with
# more replicates than make test affords (tests/cli/stylised.py; about 8 minutes on 2 cores).
FACTS_REPLICATES ?= 20
FACTS_RUNS       ?= 80000:20240601 40000:20240601 40000:20240602

facts-long: deps
	@$(MAKE) --no-print-directory all
	@STYLISED_LONG=1 STYLISED_REPLICATES=$(FACTS_REPLICATES) STYLISED_RUNS="$(FACTS_RUNS)" \
	  WIJKSIM=$(CURDIR)/$(BIN)/wijksim bash tests/cli/test_stylised_facts.sh

docs: all
	$(BIN)/wijksim params --markdown > docs/parameters.md
	$(BIN)/wijksim series --markdown > docs/output.md
	$(BIN)/wijksim manpage > docs/wijksim.1
	{ echo "# Bad input: the cases make test runs"; echo; \
	  echo "Generated by \`make docs\` from tests/cli/bad_inputs.py (run by tests/cli/test_bad_inputs.sh); do not edit by hand. Each case runs \`wijksim\` in a fresh folder and asserts the exit status, that the message holds the words shown, and that nothing is left behind (no output, temporary file or journal; the files given unchanged). docs/reliability.md says how the rest of the suite and the fuzzers cover bad input."; \
	  echo; /usr/bin/python3 tests/cli/bad_inputs.py $(BIN)/wijksim --markdown; } > docs/bad_inputs.md

# Calibration against the real figures of MODEL_BRIEF s7: the baseline and its demand-led twin
# (same seed, so replicate r of each can be paired for the Breda front-end comparison), then
# docs/calibration.md, written by analysis/calibration.py from the two files and nothing else.
CAL_REPLICATES ?= 20
CAL_SEED       ?= 1
CAL_DIR        ?= out/calibration
PYTHON3        := /usr/bin/python3

calibration: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(CAL_DIR)
	$(BIN)/wijksim run scenarios/baseline.cfg -o $(CAL_DIR)/baseline.h5 \
	  --replicates $(CAL_REPLICATES) --seed $(CAL_SEED) --force
	$(BIN)/wijksim run scenarios/baseline.cfg --set access.demand_led=1 -o $(CAL_DIR)/demand_led.h5 \
	  --replicates $(CAL_REPLICATES) --seed $(CAL_SEED) --force
	$(PYTHON3) analysis/calibration.py $(CAL_DIR)/baseline.h5 --demand-led $(CAL_DIR)/demand_led.h5 \
	  -o docs/calibration.md

# Policy responses: the baseline and the eight headline levers of scenarios/levers/ in one
# comparison (plus one output year of the baseline that sizes the prevention lever), then
# docs/policy_responses.md, written by analysis/responses.py from the comparison file: per lever
# the paired differences at years 1, 2, 5 and 10, the break-even year and the sources' view.
RESP_REPLICATES ?= 10
RESP_SEED       ?= 1
RESP_DIR        ?= out/responses
RESP_THREADS    ?= 2

responses: deps
	@$(MAKE) --no-print-directory all
	OMP_WAIT_POLICY=passive $(PYTHON3) analysis/responses.py --replicates $(RESP_REPLICATES) --seed $(RESP_SEED) \
	  --threads $(RESP_THREADS) --dir $(RESP_DIR) --wijksim $(BIN)/wijksim -o docs/policy_responses.md --force

# Calibration fit (analysis/fit.py, docs/calibration_fit.md): a Latin hypercube over the model
# assumptions of scenarios/sweeps/calibration_lhs.cfg, each over its registry range, run on a
# smaller town with its own burn-in per point (and a demand-led twin for the Breda rows;
# FIT_TWIN=0 leaves it out), ranked by the distance to the targets of analysis/calibration.py.
# The defaults (two stages of 50 points, 30,000 residents, 156 weeks) take some minutes on 2
# cores; FIT_STAGES=1 runs the first design only; FIT_REUSE=1 reuses the sweep files in
# FIT_DIR that the same settings made (to rewrite the page only). FIT_SPEC and FIT_PAGE choose
# another design and page: `make fit-informal` refines the informal-care assumptions alone
# (scenarios/sweeps/calibration_informal.cfg, docs/calibration_fit_informal.md) on the full city,
# in a box around the adopted values (FIT_LOCAL), its best points checked with more replicates
# (FIT_VERIFY; about 9 minutes); `make fit-youth` the youth-care assumptions in the same way
# (scenarios/sweeps/calibration_youth.cfg, docs/calibration_fit_youth.md; about 7 minutes).
# FIT_ONLY (target numbers) ranks by those targets only.
FIT_SPEC           ?= scenarios/sweeps/calibration_lhs.cfg
FIT_PAGE           ?= docs/calibration_fit.md
FIT_POINTS         ?= 50
FIT_POPULATION     ?= 30000
FIT_NEIGHBOURHOODS ?= 2
FIT_REPLICATES     ?= 1
FIT_BURN_IN        ?= 520
FIT_WEEKS          ?= 156
FIT_SEED           ?= 1
FIT_THREADS        ?= 2
FIT_STAGES         ?= 2
FIT_TWIN           ?= 1
FIT_DIR            ?= out/fit
FIT_ONLY           ?=
FIT_LOCAL          ?=
FIT_VERIFY         ?= 0
FIT_VERIFY_REPLICATES ?= 6

fit: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON3) analysis/fit.py --spec $(FIT_SPEC) --points $(FIT_POINTS) \
	  --population $(FIT_POPULATION) --neighbourhoods $(FIT_NEIGHBOURHOODS) \
	  --replicates $(FIT_REPLICATES) --burn-in $(FIT_BURN_IN) --weeks $(FIT_WEEKS) \
	  --seed $(FIT_SEED) --stages $(FIT_STAGES) --threads $(FIT_THREADS) $(if $(filter 0,$(FIT_TWIN)),--no-twin) \
	  --out-dir $(FIT_DIR) $(if $(FIT_REUSE),--reuse) $(if $(FIT_ONLY),--only $(FIT_ONLY)) \
	  $(if $(FIT_LOCAL),--local $(FIT_LOCAL)) \
	  $(if $(filter-out 0,$(FIT_VERIFY)),--verify $(FIT_VERIFY) --verify-replicates $(FIT_VERIFY_REPLICATES)) \
	  --json $(FIT_DIR)/fit.json -o $(FIT_PAGE)

fit-informal:
	@$(MAKE) --no-print-directory fit FIT_SPEC=scenarios/sweeps/calibration_informal.cfg \
	  FIT_PAGE=docs/calibration_fit_informal.md FIT_DIR=out/fit_informal FIT_TWIN=0 FIT_STAGES=2 \
	  FIT_POPULATION=150000 FIT_NEIGHBOURHOODS=10 FIT_WEEKS=260 FIT_POINTS=40 FIT_LOCAL=0.15 \
	  FIT_VERIFY=3

fit-youth:
	@$(MAKE) --no-print-directory fit FIT_SPEC=scenarios/sweeps/calibration_youth.cfg \
	  FIT_PAGE=docs/calibration_fit_youth.md FIT_DIR=out/fit_youth FIT_TWIN=0 FIT_STAGES=2 \
	  FIT_POINTS=30 FIT_POPULATION=150000 FIT_NEIGHBOURHOODS=10 FIT_WEEKS=260 FIT_LOCAL=0.15 \
	  FIT_VERIFY=3

# Workshop: a small municipality (30,000 residents, two neighbourhoods with a team each) under
# three contrasting presets, 5 replicates for the bands, and the report; prints its path.
WORKSHOP_DIR ?= out/workshop

workshop: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(WORKSHOP_DIR)
	OMP_WAIT_POLICY=passive $(BIN)/wijksim compare scenarios/baseline.cfg scenarios/more_prevention.cfg \
	  scenarios/strict_access.cfg --set world.population=30000 --set world.neighbourhoods=2 \
	  --replicates 5 --horizon 5,10 -o $(WORKSHOP_DIR)/workshop.h5 --force --quiet
	$(PYTHON3) analysis/report.py $(WORKSHOP_DIR)/workshop.h5 -o $(WORKSHOP_DIR)/report.html --force \
	  --title "Workshop: prevention or stricter access? A town of 30,000"

# The C sources clang-format keeps in the project's style (.clang-format); make test checks
# them (tests/cli/test_format.sh).
FORMAT_SRC = core/*.c core/*.h sim/*.c sim/*.h models/*.c models/*.h tests/unit/*.c tests/unit/*.h \
             tests/bench/*.c tests/fuzz/*.c tests/fuzz/*.h

format:
	clang-format -i $(FORMAT_SRC)

# Shell completion and the manual page, for the user who runs make (no root needed): bash
# finds completions in ~/.local/share/bash-completion/completions (bash-completion 2.x; or
# `source contrib/wijksim.bash` in ~/.bashrc), man finds ~/.local/share/man when bin/ is on
# the PATH. PREFIX=/usr/local (as root) installs them for every user.
PREFIX ?= $(HOME)/.local
install-completion:
	install -D -m 644 contrib/wijksim.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/wijksim
	@echo "Installed $(DESTDIR)$(PREFIX)/share/bash-completion/completions/wijksim (a new shell loads it)"

install-man: all
	$(BIN)/wijksim manpage > $(BUILD)/wijksim.1
	install -D -m 644 $(BUILD)/wijksim.1 $(DESTDIR)$(PREFIX)/share/man/man1/wijksim.1
	@echo "Installed $(DESTDIR)$(PREFIX)/share/man/man1/wijksim.1 (man wijksim)"

clean:
	rm -rf build build-asan build-nompi bin bin-asan bin-nompi tests/artefacts
