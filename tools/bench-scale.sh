#!/bin/sh
# The "scripts as tests" figures: JUnit report overhead, 8 readers at once,
# --each-card insertion to first APDU.
# Usage: tools/bench-scale.sh [ROUNDS [junit|readers|each-card]]
set -eu
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$(pwd)/target}"
cargo build --quiet --release --no-default-features --bin apdu-scriptor
APDU_SCRIPTOR_BIN="$target/release/apdu-scriptor" \
    exec cargo run --quiet --release --no-default-features --example bench_scale -- "$@"
