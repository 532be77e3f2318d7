# `make` sets up .venv, compiles every kernel in kernels/ into build/ and checks each on the
# reference interpreter; `make test` sets up and runs the suite; `make bench` prints figures.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNELS := $(wildcard kernels/*.pdsl)

.PHONY: all check test fuzz bench clean

all: $(STAMP)
	$(BIN)/pypto-dsl check $(KERNELS)
	$(BIN)/pypto-dsl compile $(KERNELS) -o build
	for kernel in $(KERNELS); do $(BIN)/pypto-dsl run $$kernel --check || exit 1; done

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/pypto-dsl check $(KERNELS)

# One BLAS thread: the tests run many small matmuls, which threads only slow down on 2 cores.
test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest

# Thousands of generated kernels through check, lowering, C++ (syntax-checked) and the
# interpreter, with a fixed seed (tests/fuzz_backend.py); prints the examples and failures.
FUZZ_EXAMPLES ?= 1000
FUZZ_SEED ?= 11
fuzz: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python tests/fuzz_backend.py --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build
