#!/bin/sh
# A 1000-APDU script through a private pcscd + vpcd three ways (raw pcsc
# loop, apdu-scriptor run, scriptor), with a table of times and ratios.
# Usage: tools/bench-pcsc.sh [APDUS] [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$(pwd)/target}"
cargo build --quiet --release --no-default-features --bin apdu-scriptor
APDU_SCRIPTOR_BIN="$target/release/apdu-scriptor" \
    exec cargo run --quiet --release --no-default-features --example bench_stack -- "$@"
