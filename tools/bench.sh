#!/bin/bash
# All benchmarks, release builds. Figures are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "=== script parser (1 000 000 lines)"
cargo bench --no-default-features --bench parse
echo "=== engine on the demo card (10 000 APDUs)"
cargo bench --no-default-features --bench engine
if [ -x tools/bench-pcsc.sh ]; then
    echo "=== 1000 APDUs through pcscd + vpcd: raw pcsc loop, apdu-scriptor run, scriptor"
    tools/bench-pcsc.sh
fi
if [ -x tools/bench-scale.sh ]; then
    echo "=== scripts as tests: JUnit overhead, 8 readers at once, --each-card latency"
    tools/bench-scale.sh
fi
if [ -x tools/bench-gui.sh ]; then
    echo "=== GUI: start-up, 10 000-APDU run, 100 000 log rows, main-loop latency"
    tools/bench-gui.sh
fi
