# peerline — see README.md. Only Go is needed.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GO      ?= go
BIN     := bin/peerline

.PHONY: build run test e2e lint fuzz bench check clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/peerline

# Runs the bot. Without a token (PEERLINE_TOKEN or PEERLINE_TOKEN_FILE) it opens the sandbox:
# the real bot against a local fake of Telegram, in a browser at http://127.0.0.1:8080.
run: build
	@if [ -n "$$PEERLINE_TOKEN$$PEERLINE_TOKEN_FILE" ]; then ./$(BIN) run; else ./$(BIN) sandbox; fi

test:
	$(GO) test -race ./...

# Browser test: the sandbox page in headless Chromium (Debian's chromium package; .ci/run installs
# it), from the first message to the overdose card, with screenshots in .e2e/.
e2e:
	$(GO) test -tags e2e -run '^TestE2E' -count=1 -v ./sandbox/

# staticcheck, pinned: `go run` fetches this version through the module proxy (cached after).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Fuzz targets, package:target. `make test` runs their seeds (f.Add and testdata/fuzz); this
# explores each for FUZZTIME. A failing input is saved under the package's testdata/fuzz and
# becomes a seed: commit it with the fix.
FUZZTIME ?= 20s
FUZZ := bot:FuzzSplitHTML bot:FuzzParseCommand bot:FuzzRouteCallback \
	content:FuzzParseDirectoryCSV content:FuzzLoad handlers:FuzzButtonData

fuzz:
	@set -e; for t in $(FUZZ); do pkg=$${t%%:*}; name=$${t#*:}; echo "== $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test ./$$pkg/ -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s; done

# Whole-pipeline load test against the fake Bot API: /help and plain text from 1,000 chats,
# compared with a bare tgbotapi echo bot and the echo peers of ../shared/peers (telego,
# go-telegram/bot; PEERLINE_PEERS elsewhere; skipped when absent) in the same run, then an overload (plain text at ten times
# Telegram's rate, limits on, PEERLINE_OVERLOAD_SECONDS=10) and its drain; plus the Go benchmarks.
# Sizes: PEERLINE_LOAD_CHATS, PEERLINE_LOAD_PER_CHAT. Figures are printed, not asserted.
bench:
	PEERLINE_LOAD=1 $(GO) test -run '^(TestLoad|TestRelayLoad)$$' -count=1 -v -timeout 20m ./bench/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 40000x ./bench/

check: build
	./$(BIN) check

clean:
	rm -rf bin
