# capstan — the two commands of the README, and a few helpers.
#
#   make demo   install build deps (apt), build, and run the quickstart stack end to end
#   make test   install build deps (apt), build, and run every test (ctest)
#
# Other targets: build, test-unit, test-long, testbed-up, testbed-down, bench, sanitize, fuzz,
# format, clean.

BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CAPSTAN    := $(BUILD)/capstan

DEB_PACKAGES := build-essential cmake ninja-build pkg-config ccache git \
  libboost-graph-dev libyaml-cpp-dev nlohmann-json3-dev libcurl4-openssl-dev \
  libsqlite3-dev sqlite3 libfmt-dev catch2 libcli11-dev libsodium-dev libssl-dev \
  libspdlog-dev libcpp-httplib-dev openssh-client openssh-server

.PHONY: all deps build test test-unit test-long testbed-up testbed-down demo bench sanitize fuzz format clean

all: build

# Installs the Debian packages capstan needs (root on Debian 12). Skips apt when they are
# all present already, so repeated runs are fast and work offline.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Starts the OpenStack test bed (tests/testbed/openstack) while building, runs every
# test (the `openstack` label against the test bed), stops the test bed again.
test: deps $(BUILD)/build.ninja
	BUILD=$(BUILD) JOBS=$(JOBS) bash tests/run.sh

# Unit and fake-backed tests only (no OpenStack test bed needed).
test-unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE 'openstack|long'

# The long tests (label `long`: the full crash matrix, docs/reliability.md) against the
# test bed, which must be up (make testbed-up). About an hour; not part of `make test`.
test-long: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L long

testbed-up:
	OSTB_CINDER=1 bash tests/testbed/openstack/up.sh

testbed-down:
	bash tests/testbed/openstack/down.sh

# Part 1: the local quickstart stack. Part 2: the SCS management node on OpenStack (your
# cloud if OS_CLOUD/OS_AUTH_URL is set, else the test bed). CAPSTAN_DEMO_OPENSTACK=0 skips it.
demo: build
	CAPSTAN=$(abspath $(CAPSTAN)) bash examples/demo.sh
	if [ "$${CAPSTAN_DEMO_OPENSTACK:-1}" != 0 ]; then \
	  CAPSTAN=$(abspath $(CAPSTAN)) bash examples/demo-openstack.sh; fi

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target bench_all
	bash bench/run.sh $(BUILD)

sanitize: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAPSTAN_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS) -LE long

# libFuzzer (clang-14 from Debian): builds the tests/fuzz targets with ASan+UBSan in
# $(FUZZ_BUILD) and runs each for FUZZ_SECONDS. `make test` replays their corpora.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	@dpkg-query -W -f='$${Status}' clang-14 libclang-rt-14-dev 2>/dev/null | grep -c 'install ok installed' | grep -q 2 || \
	  { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clang-14 libclang-rt-14-dev; }
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPSTAN_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	find engine plans state resources providers cli tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)
