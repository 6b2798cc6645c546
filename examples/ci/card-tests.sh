#!/bin/sh
# Replay the recorded card into the first vpcd reader and run every test script.
set -eu
apdu-scriptor virtual-card --port "${VPCD_PORT:-35963}" --card tests/card.ron &
card=$!
trap 'kill $card' EXIT
until apdu-scriptor list | grep -q 'ATR:'; do sleep 0.2; done
apdu-scriptor run -r 'Virtual PCD 00 00' --report junit=report.xml tests/*.apdu
