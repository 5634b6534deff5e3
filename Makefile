# gosupervisor: a drop-in replacement for Python's Supervisor.
GO       ?= go
BUILD    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/gosupervisor/gosupervisor/internal/version.Build=$(BUILD)
BINARIES := supervisord supervisorctl echo_supervisord_conf pidproxy

.PHONY: help build run test bench lint fuzz clean

help: ## Show this help
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## Build the binaries into bin/, version stamped
	@mkdir -p bin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ $(addprefix ./cmd/,$(BINARIES))

run: build ## Run supervisord in the foreground on supervisord.conf.example
	@mkdir -p run/log
	@echo "gosupervisor: web UI at http://127.0.0.1:9001 (user/123); in another shell:"
	@echo "  bin/supervisorctl -c supervisord.conf.example status"
	bin/supervisord -n -c supervisord.conf.example

test: ## Run every test with the race detector (reference tests skip if Supervisor is absent)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

bench: build ## Benchmarks, side by side with the reference; writes docs/performance.md
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./internal/bench/ -args -report docs/performance.md

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

FUZZTIME ?= 30s
fuzz: ## Run every fuzz target for FUZZTIME (default 30s) each
	@for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for t in $$(grep -h '^func Fuzz' $$f/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "== $$f $$t"; $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$f || exit 1; \
		done; \
	done

clean: ## Remove build and run outputs
	rm -rf bin run
