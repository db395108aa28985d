# crrscan — audit AWS S3 Cross-Region Replication.
GO      ?= go
BIN     := bin/crrscan
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
DEMO_SNAPSHOT := fixtures/demo/snapshot.json
DEMO_OUT      := out/demo

.PHONY: help build release demo test lint clean man

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/crrscan
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/crrscan

release: ## build bin/crrscan as released: static, -trimpath, stripped (-ldflags "-s -w")
	$(STATIC_ENV) $(GO) build $(STATIC_FLAGS) -ldflags "$(STATIC_LDFLAGS)" -o $(BIN) ./cmd/crrscan
	@ls -l $(BIN)

demo: build ## scan the bundled demo estate offline: table here, every report in out/demo/
	@rc=0; ./$(BIN) scan --from-snapshot $(DEMO_SNAPSHOT) --config fixtures/demo/crrscan.yaml --format all --output-dir $(DEMO_OUT) || rc=$$?; \
	case $$rc in \
	  1) echo "demo: crrscan exited 1 because the demo estate has violations at or above --fail-on (expected); reports are in $(DEMO_OUT)/" ;; \
	  3) echo "demo: crrscan exited 3 because the demo estate includes a bucket that could not be read (scan incomplete; this takes precedence over 1 for its violations; expected); reports are in $(DEMO_OUT)/" ;; \
	  0) echo "demo: crrscan exited 0; reports are in $(DEMO_OUT)/" ;; \
	  *) echo "demo: crrscan failed with exit code $$rc" >&2; exit $$rc ;; \
	esac

test: ## run every test: unit, Rego and integration (needs moto_server on PATH)
	@command -v moto_server >/dev/null || { echo "make test: moto_server is not on PATH (the integration tests need it): pip install 'moto[server]'" >&2; exit 1; }
	@command -v aws >/dev/null || { echo "make test: the aws CLI is not on PATH (the integration tests seed moto with it): pip install awscli" >&2; exit 1; }
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || [ -x "$$CRRSCAN_CHROMIUM" ] || \
	  echo "make test: WARNING: chromium not found, so the HTML report's browser tests will SKIP (apt-get install -y chromium; under CI=true they fail instead)" >&2
	$(GO) test -count=1 -timeout 45m ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

man: ## generate the man pages (out/man/*.1) and the Markdown CLI reference (out/cli/) from the command definitions
	$(GO) run ./cmd/crrscan gen-docs --man out/man --markdown out/cli

clean: ## remove build and demo output
	rm -rf bin out

.PHONY: report-screenshot
report-screenshot: build ## write the demo HTML report and a PNG of it to out/demo/ (needs chromium)
	@mkdir -p $(DEMO_OUT)
	@rm -f $(DEMO_OUT)/crrscan.png
	CRRSCAN_SCREENSHOT=$(CURDIR)/$(DEMO_OUT)/crrscan.png $(GO) test -tags screenshot -count=1 -run '^TestReportScreenshot$$' ./cmd/crrscan
	@test -s $(DEMO_OUT)/crrscan.png || { echo "report-screenshot: no screenshot was written (is chromium installed? apt-get install -y chromium)" >&2; exit 1; }
	@echo "report-screenshot: wrote $(DEMO_OUT)/crrscan.html and $(DEMO_OUT)/crrscan.png"

# make bench: synthetic estates (scanner/fakeaws) scanned through the real SDK
# clients against an in-process fake AWS with a fixed latency per call, then
# evaluated as `crrscan scan` does. One process per estate, so that peak RSS
# figures do not mix; the fake runs in a child process of its own.
BENCH_DIR         ?= out/bench
BENCH_SIZES       ?= 1000 10000
BENCH_ACCOUNTS    ?= 20
BENCH_LATENCY     ?= 40ms
BENCH_CONCURRENCY ?= 64
# The memory estate runs with no latency and, unless BENCH_MEMORY_EVAL=1, is not
# evaluated (at 100,000 buckets evaluation costs some 6 CPU-minutes more);
# BENCH_MEMORY_SIZE= skips it.
BENCH_MEMORY_SIZE ?= 100000
BENCH_MEMORY_EVAL ?= 0
BENCH_VERIFY_BUCKETS ?= 10000
BENCH_ENV          = CRRSCAN_BENCH_ACCOUNTS=$(BENCH_ACCOUNTS) CRRSCAN_BENCH_CONCURRENCY=$(BENCH_CONCURRENCY)
BENCH_TEST         = ./bin/fakeaws.test -test.timeout 30m -test.run

.PHONY: bench
bench: ## scan synthetic estates (1k, 10k at 40 ms a call; 100k for memory) through a fake AWS
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR) bin
	$(GO) test -tags bench -c -o bin/fakeaws.test ./scanner/fakeaws
	@set -e; for n in $(BENCH_SIZES); do \
	  $(BENCH_ENV) CRRSCAN_BENCH_BUCKETS=$$n CRRSCAN_BENCH_LATENCY=$(BENCH_LATENCY) CRRSCAN_BENCH_OUT=$(BENCH_DIR)/$$n.json \
	    $(BENCH_TEST) '^TestBenchEstate$$'; \
	done
	@set -e; for n in $(BENCH_MEMORY_SIZE); do \
	  $(BENCH_ENV) CRRSCAN_BENCH_BUCKETS=$$n CRRSCAN_BENCH_LATENCY=0 CRRSCAN_BENCH_EVAL=$(BENCH_MEMORY_EVAL) \
	    CRRSCAN_BENCH_OUT=$(BENCH_DIR)/memory-$$n.json \
	    $(BENCH_TEST) '^TestBenchEstate$$'; \
	done
	@CRRSCAN_BENCH_TABLE=$(BENCH_DIR) $(BENCH_TEST) '^TestBenchTable$$'
	@# Live verification: requests per replicating bucket and mode (Go fakes, 10,000
	@# buckets), and a 100,000-version inventory counted in bounded memory.
	@CRRSCAN_BENCH_VERIFY=$(BENCH_VERIFY_BUCKETS) $(GO) test -count=1 -run '^TestBenchVerifyRequests$$' -v ./scanner | grep '^verify '
	@$(GO) test -run '^$$' -bench '^BenchmarkInventoryCount$$' -benchtime 3x ./scanner | grep '^Benchmark'

# Sharded scans, releases and the container image (issue 11: beyond one machine).
# make bench-shards: one synthetic organisation behind the fake AWS, scanned whole
# and as 2 and 4 shards (each alone, as on a machine of its own), then merged:
# the slowest shard plus the merge against the single run.
BENCH_SHARDS_BUCKETS  ?= 2000
BENCH_SHARDS_ACCOUNTS ?= 16
# The static build of releases and of the container image; .goreleaser.yaml's
# builds use the same (deploy's TestReleaseBuildFlags holds them equal).
STATIC_ENV     := CGO_ENABLED=0
STATIC_FLAGS   := -trimpath
STATIC_LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(shell git rev-parse HEAD 2>/dev/null) -X main.date=$(shell git log -1 --format=%cI 2>/dev/null)
GORELEASER_VERSION ?= v2.17.0
GORELEASER         ?= go run github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
CONTAINER          ?= $(shell command -v podman || command -v docker)

.PHONY: bench-shards release-snapshot docker
bench-shards: ## sharded scans (1, 2, 4 shards) of a synthetic organisation through the fake AWS
	@mkdir -p bin
	$(GO) test -tags bench -c -o bin/fakeaws.test ./scanner/fakeaws
	CRRSCAN_BENCH_SHARDS=$(BENCH_SHARDS_BUCKETS) CRRSCAN_BENCH_ACCOUNTS=$(BENCH_SHARDS_ACCOUNTS) CRRSCAN_BENCH_LATENCY=$(BENCH_LATENCY) \
	  ./bin/fakeaws.test -test.timeout 30m -test.run '^TestBenchShards$$'

release-snapshot: ## check .goreleaser.yaml, build every release binary and archive into dist/ (no publishing; SBOMs need cyclonedx-gomod)
	$(GORELEASER) check
	$(GORELEASER) build --snapshot --clean
	@if command -v cyclonedx-gomod >/dev/null; then $(GORELEASER) release --snapshot --clean --skip=docker,publish; \
	else $(GORELEASER) release --snapshot --clean --skip=docker,publish,sbom; \
	  echo "release-snapshot: no SBOMs: install cyclonedx-gomod (go install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0)"; fi
	@ls dist/*.tar.gz dist/*.zip dist/*checksums.txt

docker: ## build the static linux binary and the container image crrscan:$(VERSION) (podman or docker)
	@test -n "$(CONTAINER)" || { echo "docker: neither podman nor docker is installed" >&2; exit 1; }
	@mkdir -p bin/linux-amd64
	$(STATIC_ENV) GOOS=linux GOARCH=amd64 $(GO) build $(STATIC_FLAGS) -ldflags "$(STATIC_LDFLAGS)" -o bin/linux-amd64/crrscan ./cmd/crrscan
	$(CONTAINER) build -f Dockerfile -t crrscan:$(VERSION) bin/linux-amd64

# make bench-eval: offline re-evaluation (`crrscan scan --from-snapshot`) of
# synthetic snapshots scanned from the fake estate (deterministic for a size), one
# process per run, with the Go benchmark yardstick from the same run. Sizes:
# BENCH_EVAL_SIZES="10000 100000" adds the 100k estate.
BENCH_EVAL_DIR     ?= out/bench-eval
BENCH_EVAL_SIZES   ?= 10000
BENCH_EVAL_FORMATS ?= json all

.PHONY: bench-eval
bench-eval: build ## time `scan --from-snapshot` on synthetic snapshots (10k; BENCH_EVAL_SIZES for more) and the yardstick
	@rm -rf $(BENCH_EVAL_DIR) && mkdir -p $(BENCH_EVAL_DIR) bin
	$(GO) test -tags bench -c -o bin/fakeaws.test ./scanner/fakeaws
	@set -e; for n in $(BENCH_EVAL_SIZES); do \
	  $(BENCH_ENV) CRRSCAN_BENCH_BUCKETS=$$n CRRSCAN_BENCH_SNAPSHOT=$(BENCH_EVAL_DIR)/snapshot-$$n.json \
	    $(BENCH_TEST) '^TestBenchSnapshot$$'; \
	  CRRSCAN_BENCH_OFFLINE=$(BENCH_EVAL_DIR)/snapshot-$$n.json CRRSCAN_BENCH_BIN=$(BIN) \
	    CRRSCAN_BENCH_FORMATS="$(BENCH_EVAL_FORMATS)" CRRSCAN_BENCH_OUT_DIR=$(BENCH_EVAL_DIR)/$$n \
	    $(BENCH_TEST) '^TestBenchOffline$$'; \
	done
	@echo "yardstick (same run):"
	@$(GO) test -run XXX -bench 'BenchmarkEvaluateFloor/trivial-catalogue-42-converted-once$$' -benchtime 200x -cpu 1 ./policies/ | grep '^Benchmark'
