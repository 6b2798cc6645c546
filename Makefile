# The two set-up commands: `make run` and `make test` (see README).
CARGO ?= cargo

.PHONY: run test bench deps mo pot update-po clean

deps:
	@tools/deps.sh

run: deps mo
	$(CARGO) run --

test: deps
	tools/test.sh

bench: deps
	tools/bench.sh

mo:
	tools/i18n.sh mo

pot:
	tools/i18n.sh pot

update-po:
	tools/i18n.sh update-po

clean:
	$(CARGO) clean
	rm -rf _build
