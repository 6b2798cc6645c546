#!/bin/sh
# Build and install with meson into a temporary DESTDIR, check that every
# expected file is there, and run the validators and the i18n check.
#   tools/meson-check.sh [BUILDDIR]     (default: _build)
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${1:-_build}
APP=io.github.apduscriptor.ApduScriptor
DOMAIN=apdu-scriptor

die() {
    printf 'meson-check: error: %s\n' "$*" >&2
    exit 1
}

DEST=$(mktemp -d "${TMPDIR:-/tmp}/apdu-scriptor-dest.XXXXXX")
trap 'rm -rf "$DEST"' EXIT INT TERM

if [ ! -f "$BUILD/build.ninja" ]; then
    meson setup "$BUILD" || die "meson setup failed"
fi
meson compile -C "$BUILD" || die "meson compile failed"
DESTDIR=$DEST meson install -C "$BUILD" --no-rebuild --quiet || die "meson install failed"

missing=0
expect() {
    found=$(find "$DEST" -path "*/$1" \( -type f -o -type l \) | head -n 1)
    if [ -n "$found" ]; then
        echo "  ok  ${found#"$DEST"}"
    else
        echo "  MISSING  */$1" >&2
        missing=$((missing + 1))
    fi
}

echo "meson-check: installed files:"
expect "bin/apdu-scriptor"
expect "share/applications/$APP*.desktop"
expect "share/metainfo/$APP*.metainfo.xml"
expect "share/icons/hicolor/scalable/apps/$APP*.svg"
expect "share/icons/hicolor/symbolic/apps/$APP*-symbolic.svg"
for lang in $(sed -e 's/#.*//' po/LINGUAS); do
    expect "share/locale/$lang/LC_MESSAGES/$DOMAIN.mo"
done
if [ -f resources/apdu-script.lang ]; then
    expect "share/apdu-scriptor/language-specs/apdu-script.lang"
    expect "share/gtksourceview-5/language-specs/apdu-script.lang"
fi
if [ -f resources/demo-card.ron ]; then
    expect "share/apdu-scriptor/demo-card.ron"
fi
for page in apdu-scriptor apdu-scriptor-run apdu-scriptor-list apdu-scriptor-virtual-card; do
    expect "share/man/man1/$page.1"
done
expect "share/bash-completion/completions/apdu-scriptor"
expect "share/zsh/site-functions/_apdu-scriptor"
expect "share/fish/vendor_completions.d/apdu-scriptor.fish"
# The man pages are roff with the subcommands and their options.
page=$(find "$DEST" -path '*/man1/apdu-scriptor.1' | head -n 1)
if [ -n "$page" ] && ! grep -q 'virtual\\-card' "$page"; then
    echo "  NO SUBCOMMANDS IN  ${page#"$DEST"}" >&2
    missing=$((missing + 1))
fi
run_page=$(find "$DEST" -path '*/man1/apdu-scriptor-run.1' | head -n 1)
if [ -n "$run_page" ] && ! grep -q 'each\\-card' "$run_page"; then
    echo "  NO --each-card IN  ${run_page#"$DEST"}" >&2
    missing=$((missing + 1))
fi
if command -v man >/dev/null 2>&1 && [ -n "$page" ]; then
    MANWIDTH=80 man -l "$page" >/dev/null 2>&1 || {
        echo "  man cannot render ${page#"$DEST"}" >&2
        missing=$((missing + 1))
    }
fi
bin=$(find "$DEST" -path '*/bin/apdu-scriptor' -type f | head -n 1)
if [ -n "$bin" ] && [ ! -x "$bin" ]; then
    echo "  NOT EXECUTABLE  ${bin#"$DEST"}" >&2
    missing=$((missing + 1))
fi
[ "$missing" -eq 0 ] || die "$missing expected file(s) not installed"

meson test -C "$BUILD" --no-rebuild --print-errorlogs --suite validate --suite i18n ||
    die "meson test failed"
echo "meson-check: all checks passed"
