# Two commands do everything on a fresh Debian 12 machine (each installs what is missing first):
#   make demo   the main job
#   make test   the test suite
.PHONY: deps build test demo bench fixtures release docs

deps:
	@scripts/install-deps.sh

build: deps
	swift build

release: deps
	scripts/build-release.sh

# Serial: several tests start a simulator that renders real clips; run side by side on two cores they would only
# measure the machine's load. Under CI (CI set) a test whose tool is missing fails instead of skipping
# (SEEDANCE_REQUIRE_ALL_TESTS=1, read by Tests/TestSupport/TestConditions.swift).
test: deps
	scripts/install-test-tools.sh
	scripts/install-postgres.sh
	scripts/install-chromium.sh
	swift build --build-tests
	SEEDANCE_REQUIRE_ALL_TESTS=$(if $(CI),1,$(SEEDANCE_REQUIRE_ALL_TESTS)) swift test --no-parallel
	scripts/build-docs.sh

# The DocC catalogues of the library products (.build/plugins/Swift-DocC/outputs/).
docs: deps
	scripts/build-docs.sh

demo: release
	.build/release/seedance demo -o seedance-demo

bench: deps
	Benchmarks/run.sh

fixtures: deps
	fixtures/make-fixtures.sh
	fixtures/record-ffprobe.sh
