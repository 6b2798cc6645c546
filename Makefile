# The two set-up commands: `make run` and `make test` (see README).
CARGO ?= cargo

.PHONY: run test bench fuzz deps mo pot update-po screenshots clean

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

# data/screenshots/*.png for the README, and per language (English and every
# language of po/LINGUAS) the main window, preferences, reader panel, log and
# a --demo transcript in data/screenshots/<lang>/, for translators.
screenshots:
	dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
		$(CARGO) test --test gui_screenshots -- --screenshots

clean:
	$(CARGO) clean
	rm -rf _build
