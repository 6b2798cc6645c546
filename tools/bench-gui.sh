#!/bin/bash
# GUI benchmark (release): start-up to first frame, a 10 000-APDU script on
# the demo card in the window against `apdu-scriptor run --demo`, the longest
# main-loop stall during that run, and 100 000 log rows (append, scroll,
# resident memory), start-up against an empty AdwApplicationWindow
# (examples/empty_window.rs). Under Xvfb with the cairo renderer and a private D-Bus.
set -euo pipefail
cd "$(dirname "$0")/.."
# The start-up baseline: an empty AdwApplicationWindow with a header bar.
cargo build --release --example empty_window
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
    env GSK_RENDERER=cairo cargo test --release --test gui_bench -- --bench
