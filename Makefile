# peerline — see README.md. Only Go is needed.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GO      ?= go
BIN     := bin/peerline

.PHONY: build run test lint bench check clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/peerline

# Runs the bot. Without PEERLINE_TOKEN it explains how to get one.
run: build
	./$(BIN) run

test:
	$(GO) test -race ./...

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Whole-pipeline load test against the fake Bot API, compared with a bare tgbotapi echo bot in
# the same run, plus the Go benchmarks. Figures are printed, not asserted.
bench:
	PEERLINE_LOAD=1 $(GO) test -run '^TestLoad$$' -count=1 -v -timeout 20m ./bench/
	$(GO) test -run '^$$' -bench . -benchmem ./bot/ ./store/

check: build
	./$(BIN) check

clean:
	rm -rf bin
