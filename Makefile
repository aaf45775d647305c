# jira-oauth: the same targets run on a developer's machine and in CI.

GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME      ?= 10s
BIN           := bin/jira-oauth
# Release stamping, from git: the tag if HEAD has one, the commit, its time.
VERSION       ?= $(shell git describe --tags --exact-match --match 'v*' 2>/dev/null)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null)
EPOCH         ?= $(shell git log -1 --format=%ct 2>/dev/null)
DIST          ?= dist
# -race needs cgo and a C compiler; without them make test runs without it.
RACE          := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1 && echo -race)
# The platforms cross-check vets and compiles the tests for besides this one
# (make dist builds the binary for every release platform).
CROSS         := windows/amd64 windows/arm64 darwin/amd64 darwin/arm64 linux/arm64

.PHONY: all build dist dist-check cross-check demo man completions test test-short fmt-check vet lint fuzz bench ci clean

all: build

## build: the jira-oauth binary in bin/ (static: no cgo, starts faster)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/jira-oauth

## dist: release archives for linux, darwin and windows (amd64, arm64) into dist/,
##   with SHA256SUMS; reproducible: the same commit gives the same bytes
dist:
	$(GO) run ./internal/dist -out $(DIST) -version "$(VERSION)" -commit "$(COMMIT)" -epoch "$(EPOCH)"

## dist-check: make dist twice and compare the archives byte for byte (the
##   second run links and archives again; Go's compiler is reproducible itself)
dist-check:
	$(MAKE) dist
	rm -rf bin/dist-check
	$(MAKE) dist DIST=bin/dist-check
	cmp $(DIST)/SHA256SUMS bin/dist-check/SHA256SUMS
	@echo "dist is reproducible: $$(wc -l < $(DIST)/SHA256SUMS) archives, identical bytes"
	rm -rf bin/dist-check

## man: a man page for every command, from the Cobra tree, into bin/man/man1
##   (read one with: man -l bin/man/man1/jira-oauth-request.1)
man:
	$(GO) run ./internal/docgen -man bin/man/man1

## completions: the bash, zsh, fish and PowerShell completion scripts into bin/completions
completions:
	$(GO) run ./internal/docgen -completions bin/completions

## demo: the whole OAuth dance against the bundled sandbox, in a temporary folder
demo:
	$(GO) run ./internal/demo

## test: every test, with the race detector (without it, and saying so, where
##   there is no C compiler)
test:
	@[ -n "$(RACE)" ] || echo "make test: no C compiler ('$$($(GO) env CC)' not found or CGO_ENABLED=0): running without -race"
	$(GO) test $(RACE) -count=1 ./...

## test-short: the tests without the race detector, for a quick loop
test-short:
	$(GO) test ./...

## fmt-check: fail if gofmt would change a file
fmt-check:
	@out=$$(gofmt -l .) || exit 1; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## lint: staticcheck, pinned
lint:
	$(GO) run $(STATICCHECK) ./...

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## bench: the benchmarks (signing, a whole request)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## cross-check: vet, and compile every test binary, for each platform in CROSS,
##   so that a platform-only compile error cannot land
cross-check:
	@set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	for p in $(CROSS); do \
	  echo "cross-check $$p"; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./...; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) test -c -o "$$out/" ./... >/dev/null; \
	  rm -rf "$$out"/*; \
	done

## ci: what .ci/run runs (fuzzing briefly: 5s a target)
ci: fmt-check vet lint cross-check test
	$(MAKE) fuzz FUZZTIME=5s

clean:
	rm -rf bin dist
