#!/bin/sh
# Install the Debian/Ubuntu packages listed in tools/debian-packages.txt
# that are missing (through sudo when not root). Quiet when all are there.
set -eu
here=$(dirname "$0")
missing=""
for p in $(grep -v '^#' "$here/debian-packages.txt"); do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "Installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# pcscd's postinst must not start a system daemon in containers without
# systemd; policy-rc.d keeps it from starting where that applies.
$sudo apt-get install -y -q $missing
