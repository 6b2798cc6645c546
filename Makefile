# The two set-up commands: `make run` and `make test` (see README).
CARGO ?= cargo

.PHONY: run test bench fuzz deps mo pot update-po clean

deps:
	@tools/deps.sh

run: deps mo
	$(CARGO) run --

test: deps
	tools/test.sh

bench: deps
	tools/bench.sh

# Every parser of untrusted input on 150 000 generated inputs per property
# (7 properties: over 10^6 in all); `make test` runs 300 per property.
fuzz:
	FUZZ_CASES=150000 $(CARGO) test --test fuzz -- --test-threads=2

mo:
	tools/i18n.sh mo

pot:
	tools/i18n.sh pot

update-po:
	tools/i18n.sh update-po

clean:
	$(CARGO) clean
	rm -rf _build
