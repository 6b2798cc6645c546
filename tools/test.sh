#!/bin/bash
# Every test: lints, core and PC/SC tests (each test binary starts its own
# private pcscd with the vpcd driver), GUI tests under Xvfb and a private
# D-Bus session, translation checks and the meson validators.
set -euo pipefail
cd "$(dirname "$0")/.."

# A private runtime dir: the accessibility bus socket lives there (else in
# ~/.cache/at-spi, shared with any other session, which may remove it).
XDG_RUNTIME_DIR=$(mktemp -d /tmp/asrt.XXXXXX)
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR

cleanup() {
    rm -rf "$XDG_RUNTIME_DIR"
    # Test benches kill their pcscd on drop; catch any left by a crash.
    pkill -f 'pcscd --foreground --debug --apdu -c /tmp/asb' 2>/dev/null || true
    pkill -f 'apdu-scriptor virtual-card --bench' 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy (GUI and core-only builds)"
cargo clippy --all-targets -- -D warnings
cargo clippy --no-default-features --all-targets -- -D warnings

step "translations"
tools/i18n.sh mo
tools/i18n.sh check
tools/i18n.sh complete fr ru

step "meson: desktop file and metainfo validation"
tools/meson-check.sh

step "tests"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test
