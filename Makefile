# jira-oauth: the same targets run on a developer's machine and in CI.

GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME      ?= 10s
BIN           := bin/jira-oauth

.PHONY: all build demo man completions test test-short fmt-check vet lint fuzz bench ci clean

all: build

## build: the jira-oauth binary in bin/ (static: no cgo, starts faster)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/jira-oauth

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

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 ./...

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

## ci: what .ci/run runs (fuzzing briefly: 5s a target)
ci: fmt-check vet lint test
	$(MAKE) fuzz FUZZTIME=5s

clean:
	rm -rf bin
