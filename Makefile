# Two commands do everything on a fresh Debian 12 machine (each installs what is missing first):
#   make demo   the main job
#   make test   the test suite
.PHONY: deps build test demo bench fixtures release

deps:
	@scripts/install-deps.sh

build: deps
	swift build

release: deps
	swift build -c release

test: deps
	swift build --build-tests
	swift test

demo: release
	@scripts/demo.sh

bench: deps
	Benchmarks/run.sh

fixtures: deps
	fixtures/make-fixtures.sh
	fixtures/record-ffprobe.sh
