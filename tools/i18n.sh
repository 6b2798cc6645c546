#!/bin/sh
# Translation tasks for APDU Scriptor. Run from anywhere:
#   tools/i18n.sh pot        re-extract po/apdu-scriptor.pot from po/POTFILES.in
#   tools/i18n.sh update-po  merge the template into every language of po/LINGUAS
#   tools/i18n.sh mo         compile po/xx.po to target/locale/xx/LC_MESSAGES/ for `cargo run`
#   tools/i18n.sh check [F.po…]  fail on a broken translation (msgfmt -c errors,
#                            a placeholder missing or renamed, an empty plural
#                            form), a stale template or an incomplete POTFILES.in;
#                            report how much of each language is translated
#   tools/i18n.sh complete LANG…  fail unless po/LANG.po (or LANG, a path) translates
#                            every message of the template
#   tools/i18n.sh potfiles   rewrite po/POTFILES.in from the tree
set -eu

DOMAIN=apdu-scriptor
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
POT=po/$DOMAIN.pot
BUGS=https://github.com/apduscriptor/apdu-scriptor/issues

# Messages allowed to start or end with punctuation (see `check`), each with
# its reason.
FRAGMENTS_OK='
APDU;smart card;PC/SC;reader;scriptor;gscriptor;
Features:
.
Statistics of {file} over {runs} run (milliseconds):
Statistics of {file} over {runs} runs (milliseconds):
'
# - the desktop file's Keywords: a list that ends with ";" by specification;
# - "Features:" is a metainfo paragraph that introduces the list of features;
# - "." (context "decimal separator") asks for the language's separator;
# - "Statistics of … (milliseconds):" is the title line of the table below it.

# Rust has no xgettext parser in gettext 0.21: .rs files are read as C, which
# is why code calls gettext("...") with plain literals (no macros, no raw
# strings, no line continuations).
RS_ARGS="-L C --from-code=UTF-8 --add-comments=TRANSLATORS --keyword=gettext
  --keyword=ngettext:1,2 --keyword=pgettext:1c,2 --keyword=npgettext:1c,2,3"
# .ui, .desktop.in and .metainfo.xml.in are recognised by name (ITS rules).
OTHER_ARGS="--from-code=UTF-8 --add-comments=TRANSLATORS"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/i18n.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
printf '%s' "$FRAGMENTS_OK" | sed '/^$/d' >"$TMP/fragments-ok"

die() {
    printf 'i18n: error: %s\n' "$*" >&2
    exit 1
}

need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "'$c' not found; install gettext (apt install gettext)"
    done
}

# Languages from po/LINGUAS (comments and blank lines allowed).
linguas() {
    [ -f po/LINGUAS ] || die "po/LINGUAS is missing"
    sed -e 's/#.*//' po/LINGUAS | tr -s ' \t' '\n\n' | sed -e '/^$/d'
}

# Files from po/POTFILES.in.
potfiles() {
    [ -f po/POTFILES.in ] || die "po/POTFILES.in is missing"
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' po/POTFILES.in
}

version() {
    sed -n "s/^[[:space:]]*version:[[:space:]]*'\([^']*\)'.*/\1/p" meson.build | head -n 1
}

# Files under src/ and resources/ with a translatable string, sorted.
sources_with_strings() {
    {
        # A gettext call outside a // comment (a call may span lines, so the
        # literal itself is not required on the same line).
        find src -name '*.rs' -type f -exec grep -lE '^[[:space:]]*[^/[:space:]].*\b(n|p|np)?gettext\(|^[[:space:]]*(n|p|np)?gettext\(' {} + 2>/dev/null || true
        find resources -name '*.ui' -type f -exec grep -lE 'translatable="(yes|true|1)"' {} + 2>/dev/null || true
    } | LC_ALL=C sort -u
}

run_xgettext() {
    xgettext --package-name="$DOMAIN" --package-version="$(version)" \
        --msgid-bugs-address="$BUGS" --copyright-holder="The APDU Scriptor authors" "$@"
}

# extract OUT: run xgettext over POTFILES.in into OUT.
extract() {
    out=$1
    potfiles >"$TMP/files"
    while read -r f; do
        [ -f "$f" ] || die "po/POTFILES.in lists '$f', which does not exist"
    done <"$TMP/files"
    grep '\.rs$' "$TMP/files" >"$TMP/rs" || true
    grep -v '\.rs$' "$TMP/files" >"$TMP/other" || true
    rm -f "$out"
    # Lifetimes ('a) look like unterminated C character constants: harmless
    # noise. Lost strings are caught by `check`, which compares literals.
    if [ -s "$TMP/rs" ]; then
        # shellcheck disable=SC2086
        run_xgettext $RS_ARGS --files-from="$TMP/rs" -o "$out" 2>"$TMP/err" ||
            { cat "$TMP/err" >&2; die "xgettext failed on the Rust files"; }
        grep -v 'unterminated character constant' "$TMP/err" >&2 || true
    fi
    if [ -s "$TMP/other" ]; then
        join=
        [ -f "$out" ] && join=--join-existing
        # shellcheck disable=SC2086
        run_xgettext $OTHER_ARGS $join --files-from="$TMP/other" -o "$out" ||
            die "xgettext failed on the .ui/.desktop/.metainfo files"
    fi
    [ -f "$out" ] || die "no translatable string found in the files of po/POTFILES.in"
    # A template in UTF-8 so that `cp po/apdu-scriptor.pot po/xx.po` is a valid start.
    sed -i -e 's/charset=CHARSET/charset=UTF-8/' "$out"
    brace_flags "$out"
}

# Mark every message with a `{name}` placeholder `python-brace-format`, so that
# `msgfmt -c` (and Weblate, Poedit…) reject a translation that drops or renames
# one. gettext 0.21's C extractor ignores --flag=…:python-brace-format, hence
# this pass over the template.
brace_flags() {
    awk '
        function emit(   i, done) {
            if (n == 0) return
            if (brace) {
                for (i = 1; i <= n; i++) {
                    if (!done && L[i] ~ /^#, /) { L[i] = L[i] ", python-brace-format"; done = 1 }
                    else if (!done && L[i] !~ /^#/) { print "#, python-brace-format"; done = 1 }
                    print L[i]
                }
            } else for (i = 1; i <= n; i++) print L[i]
            n = 0; brace = 0; inid = 0
        }
        /^$/ { emit(); print; next }
        { L[++n] = $0 }
        /^msgid(_plural)? / { inid = 1 }
        /^msgstr/ { inid = 0 }
        inid && /\{[A-Za-z_][A-Za-z0-9_]*\}/ && !/^#/ { brace = 1 }
        END { emit() }' "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

cmd_pot() {
    need xgettext
    extract "$TMP/new.pot"
    # Keep the old file when only the creation date changed: no noise in git.
    if [ -f "$POT" ] &&
        grep -v '^"POT-Creation-Date:' "$POT" >"$TMP/a" &&
        grep -v '^"POT-Creation-Date:' "$TMP/new.pot" >"$TMP/b" &&
        cmp -s "$TMP/a" "$TMP/b"; then
        echo "i18n: $POT is up to date"
        return
    fi
    cp "$TMP/new.pot" "$POT"
    n=$(grep -c '^msgid ' "$POT")
    echo "i18n: wrote $POT ($((n - 1)) messages)"
}

# A po file that is still a bare copy of the template gets a real header.
init_header() {
    lang=$1 po=$2
    if grep -q '^"Language: \\n"' "$po"; then
        msginit --no-translator --no-wrap -l "$lang" -i "$po" -o "$TMP/init.po" >/dev/null 2>&1 ||
            die "msginit failed for $po"
        sed -e 's/charset=ASCII/charset=UTF-8/' "$TMP/init.po" >"$po"
        echo "i18n: filled in the header of $po (Language: $lang); now put your name in"
        echo "      Last-Translator, Language-Team and the message translator-credits (po/README.md)"
    fi
}

cmd_update_po() {
    need msgmerge msginit
    [ -f "$POT" ] || die "$POT is missing; run 'tools/i18n.sh pot' first"
    for lang in $(linguas); do
        po=po/$lang.po
        if [ ! -f "$po" ]; then
            cp "$POT" "$po"
            echo "i18n: created $po from the template"
        fi
        init_header "$lang" "$po"
        msgmerge --quiet --update --backup=none --previous "$po" "$POT" ||
            die "msgmerge failed for $po"
        printf 'i18n: %s: ' "$po"
        msgfmt --statistics -o /dev/null "$po" 2>&1
    done
}

cmd_mo() {
    need msgfmt
    dir=${CARGO_TARGET_DIR:-$TOP/target}/locale
    for lang in $(linguas); do
        po=po/$lang.po
        [ -f "$po" ] || die "$po is missing (listed in po/LINGUAS)"
        mkdir -p "$dir/$lang/LC_MESSAGES"
        msgfmt --check -o "$dir/$lang/LC_MESSAGES/$DOMAIN.mo" "$po" ||
            die "msgfmt failed for $po"
    done
    echo "i18n: compiled $(linguas | tr '\n' ' ')into $dir"
}

cmd_potfiles() {
    {
        sed -n '/^#/p' po/POTFILES.in
        {
            find data -name '*.desktop.in' -o -name '*.metainfo.xml.in' | sed -n 'p'
            sources_with_strings
        } | LC_ALL=C sort -u
    } >"$TMP/POTFILES.in"
    cp "$TMP/POTFILES.in" po/POTFILES.in
    echo "i18n: wrote po/POTFILES.in ($(potfiles | wc -l) files)"
}

# Print the msgids (with context) of a .po/.pot, one per line, escaped as in
# the file, for comparisons.
msgids() {
    msgcat --no-wrap "$1" 2>/dev/null | awk '
        function flush() { if (key != "") print ctx id; key = ""; ctx = ""; id = "" }
        /^msgctxt / { flush(); ctx = substr($0, 10, length($0) - 10) "\004"; cur = "ctx"; key = "c"; next }
        /^msgid / { if (cur != "ctx") flush(); id = substr($0, 8, length($0) - 8); cur = "id"; key = "i"; next }
        /^"/ { if (cur == "id") id = id substr($0, 2, length($0) - 2)
               else if (cur == "ctx") ctx = substr(ctx, 1, length(ctx) - 1) substr($0, 2, length($0) - 2) "\004"
               next }
        { cur = "" }
        END { flush() }' | awk '$0 != ""' | LC_ALL=C sort -u
}

# The entries of a .po/.pot without the header and the source references.
without_header() {
    msgcat --no-wrap --no-location "$1" | awk 'BEGIN { RS = ""; ORS = "\n\n" } NR > 1'
}

# check_po FILE: print how much of FILE is translated; return 1 (after saying
# why) if FILE is broken: msgfmt -c errors, a placeholder missing or renamed
# (also when FILE predates the template's format flags: it is checked merged
# with the template), or a plural message with some forms empty.
check_po() {
    po=$1
    if ! LC_ALL=C msgfmt --check -o /dev/null "$po" 2>"$TMP/msgfmt.err"; then
        sed 's/^/    /' "$TMP/msgfmt.err" >&2
        return 1
    fi
    merged=$TMP/merged.po
    if [ -f "$POT" ]; then
        msgmerge --quiet --no-fuzzy-matching -o "$merged" "$po" "$POT" 2>"$TMP/msgmerge.err" || {
            sed 's/^/    /' "$TMP/msgmerge.err" >&2
            return 1
        }
    else
        cp "$po" "$merged"
    fi
    if ! LC_ALL=C msgfmt --check -o /dev/null "$merged" 2>"$TMP/msgfmt.err"; then
        echo "    (after merging with $POT; run 'tools/i18n.sh update-po' to see the lines)" >&2
        sed 's/^/    /' "$TMP/msgfmt.err" >&2
        return 1
    fi
    # msgfmt counts a plural message as translated when only some of its
    # forms are empty; gettext would then show an empty text.
    if ! msgcat --no-wrap "$po" | awk -v po="$po" '
        BEGIN { RS = "" }
        /(^|\n)#, [^\n]*fuzzy/ || /(^|\n)#~/ { next }
        /\nmsgstr\[/ {
            full = 0; empty = 0
            k = split($0, L, "\n")
            for (i = 1; i <= k; i++) {
                if (L[i] ~ /^msgstr\[[0-9]+\] ""$/ && (i == k || L[i + 1] !~ /^"/)) empty++
                else if (L[i] ~ /^msgstr\[/) full++
                if (L[i] ~ /^msgid /) id = L[i]
            }
            if (full && empty) { print po ": a plural form is empty in " id; bad = 1 }
        }
        END { exit bad }' >"$TMP/plural"; then
        sed 's/^/    /' "$TMP/plural" >&2
        return 1
    fi
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$merged" 2>&1 | tail -n 1)
    echo "i18n: $po: $(percent "$stats")"
}

# percent "N translated messages, M fuzzy translations, K untranslated messages."
percent() {
    printf '%s\n' "$1" | awk '{
        t = 0; f = 0; u = 0
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^translated/) t = $i
            if ($(i + 1) ~ /^fuzzy/) f = $i
            if ($(i + 1) ~ /^untranslated/) u = $i
        }
        all = t + f + u
        printf "%d of %d messages translated (%d %%)", t, all, all ? int(100 * t / all) : 0
        if (f) printf ", %d fuzzy", f
        if (u) printf ", %d untranslated", u
    }'
}

cmd_complete() {
    need msgfmt msgcmp
    [ $# -gt 0 ] || die "usage: tools/i18n.sh complete LANG…"
    bad=0
    for lang in "$@"; do
        case $lang in
        *.po) po=$lang ;;
        *) po=po/$lang.po ;;
        esac
        [ -f "$po" ] || die "$po is missing"
        stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1 | tail -n 1)
        case $stats in
        *fuzzy* | *untranslated*)
            printf 'i18n: FAIL: %s is not complete: %s\n' "$po" "$stats" >&2
            bad=1
            continue
            ;;
        esac
        if ! msgcmp "$po" "$POT" >"$TMP/cmp" 2>&1; then
            printf "i18n: FAIL: %s lacks messages of the template (run 'tools/i18n.sh update-po' and translate):\n" "$po" >&2
            grep -v -e '^msgcmp: found' -e 'this message is not used' "$TMP/cmp" | sed 's/^/    /' >&2
            bad=1
            continue
        fi
        # French typography: a no-break space (U+00A0 or U+202F) before
        # : ; ? ! and inside « », never a plain one.
        if grep -q '^"Language: fr' "$po" &&
            msgcat --no-wrap "$po" | grep '^msgstr' |
            sed -e 's/\xc2\xa0/~/g' -e 's/\xe2\x80\xaf/~/g' -e 's/\xc2\xab/LAQ/g' -e 's/\xc2\xbb/RAQ/g' |
            grep -E ' [:;?!]| RAQ|LAQ |[^~]RAQ|LAQ[^~]|[^~ ]: |[^~ ]; |[^~ ][?!]( |"$)' >"$TMP/typo"; then
            printf 'i18n: FAIL: %s: French typography (a no-break space before : ; ? ! » and after «, shown as ~):\n' "$po" >&2
            sed 's/^/    /' "$TMP/typo" >&2
            bad=1
            continue
        fi
        # Both: the … character, not three dots; Russian: «ёлочки», not
        # English quotes.
        if msgcat --no-wrap "$po" | grep '^msgstr' | grep -F '...' >"$TMP/typo" ||
            { grep -q '^"Language: ru' "$po" &&
                msgcat --no-wrap "$po" | grep '^msgstr' | grep -E '\\"|“|”' >"$TMP/typo"; }; then
            printf 'i18n: FAIL: %s: "..." instead of …, or English quotes instead of «»:\n' "$po" >&2
            sed 's/^/    /' "$TMP/typo" >&2
            bad=1
            continue
        fi
        echo "i18n: $po: complete ($stats)"
    done
    [ "$bad" -eq 0 ] || die "incomplete translation(s)"
}

cmd_check() {
    need xgettext msgfmt msgmerge msgcat
    failed=0
    fail() {
        printf 'i18n: FAIL: %s\n' "$*" >&2
        failed=$((failed + 1))
    }

    # (c) every file with a translatable string is in POTFILES.in
    potfiles | LC_ALL=C sort -u >"$TMP/listed"
    sources_with_strings >"$TMP/needed"
    LC_ALL=C comm -23 "$TMP/needed" "$TMP/listed" >"$TMP/unlisted"
    if [ -s "$TMP/unlisted" ]; then
        fail "files with translatable strings missing from po/POTFILES.in (run 'tools/i18n.sh potfiles'):"
        sed 's/^/    /' "$TMP/unlisted" >&2
    fi
    while read -r f; do
        [ -f "$f" ] || fail "po/POTFILES.in lists '$f', which does not exist"
    done <"$TMP/listed"

    # Literals that xgettext, reading Rust as C, would get wrong.
    for f in $(grep '\.rs$' "$TMP/listed" || true); do
        [ -f "$f" ] || continue
        if grep -nE '\b(n|p|np)?gettext\(\s*r#*"' "$f" >"$TMP/raw"; then
            fail "$f: raw string in a gettext call (xgettext reads it as C):"
            sed 's/^/    /' "$TMP/raw" >&2
        fi
        # A `\` at the end of a line continues a Rust string and drops the
        # next line's indentation; in C the indentation stays in the msgid.
        if awk '/\\$/ && (/gettext\(/ || prev ~ /gettext\($/) {print FILENAME ":" FNR ": " $0; found=1}
                {prev=$0} END {exit !found}' "$f" >"$TMP/cont"; then
            fail "line continuation inside a translatable string (use one long literal):"
            sed 's/^/    /' "$TMP/cont" >&2
        fi
        # (Unit tests, after #[cfg(test)], may give it literals.)
        if awk '/#\[cfg\(test\)\]/ { exit }
                /(^|[^A-Za-z0-9_])gettext_f\([[:space:]]*"/ { print FNR ": " $0; found = 1 }
                END { exit !found }' "$f" >"$TMP/gf"; then
            fail "$f: gettext_f() given a literal; it only fills placeholders, wrap it: gettext_f(&gettext(\"...\"), ...)"
            sed 's/^/    /' "$TMP/gf" >&2
        fi
    done

    # (b) the template is current: same messages, comments and flags as a
    # fresh extraction (source line numbers may differ).
    if [ ! -f "$POT" ]; then
        fail "$POT is missing; run 'tools/i18n.sh pot'"
    elif extract "$TMP/fresh.pot" 2>"$TMP/xgettext.err"; then
        msgids "$TMP/fresh.pot" >"$TMP/fresh.ids"
        msgids "$POT" >"$TMP/pot.ids"
        LC_ALL=C comm -23 "$TMP/fresh.ids" "$TMP/pot.ids" >"$TMP/missing"
        LC_ALL=C comm -13 "$TMP/fresh.ids" "$TMP/pot.ids" >"$TMP/stale"
        if [ -s "$TMP/missing" ]; then
            fail "$POT is out of date; these messages are missing (run 'tools/i18n.sh pot' then 'update-po'):"
            sed 's/^/    /' "$TMP/missing" | tr '\004' '|' >&2
        fi
        if [ -s "$TMP/stale" ]; then
            fail "$POT has messages no longer in the sources (run 'tools/i18n.sh pot' then 'update-po'):"
            sed 's/^/    /' "$TMP/stale" | tr '\004' '|' >&2
        fi
        if [ ! -s "$TMP/missing" ] && [ ! -s "$TMP/stale" ]; then
            without_header "$TMP/fresh.pot" >"$TMP/fresh.body"
            without_header "$POT" >"$TMP/pot.body"
            if ! diff -u "$TMP/pot.body" "$TMP/fresh.body" >"$TMP/body.diff"; then
                fail "$POT has other translator comments or flags than the sources (run 'tools/i18n.sh pot' then 'update-po'):"
                grep '^[-+][^-+]' "$TMP/body.diff" | head -n 20 | sed 's/^/    /' >&2
            fi
        fi
        # No sentence fragments: a message that starts or ends with a space
        # or with , ; : . ! ? ) ] } - (or ends with ( [ {) is glued to another
        # in the code, and translators cannot get word order or typography
        # right (French puts a no-break space before : ; ! ?). Use one whole
        # template with {placeholders} instead.
        msgcat --no-wrap "$TMP/fresh.pot" |
            sed -n 's/^msgid\(_plural\)\{0,1\} "\(..*\)"$/\2/p' |
            grep -E '^([[:space:]]|[,;:.!?)}]|\]|-)|([[:space:]]|[,;:(\[{-])$' |
            grep -vxF -f "$TMP/fragments-ok" >"$TMP/fragments" || true
        if [ -s "$TMP/fragments" ]; then
            fail "messages that start or end with punctuation or a space (concatenated fragments?); use a whole template, or allow one in FRAGMENTS_OK of tools/i18n.sh with a reason:"
            sed 's/^/    /' "$TMP/fragments" >&2
        fi
        # One quoting style (“…”), and no key names inside messages: tooltips
        # get their shortcut from the application (src/ui/tooltips.rs).
        msgcat --no-wrap "$TMP/fresh.pot" |
            sed -n 's/^msgid\(_plural\)\{0,1\} "\(..*\)"$/\2/p' |
            grep -E "(^|[[:space:](])'[^']+'|\\\"|\((Ctrl|Shift|Alt|F[0-9]+|Escape)\b" >"$TMP/style" || true
        if [ -s "$TMP/style" ]; then
            fail "messages with '…' or \"…\" quotes (use “…”) or a keyboard shortcut in parentheses (src/ui/tooltips.rs adds those):"
            sed 's/^/    /' "$TMP/style" >&2
        fi
        # Every `// TRANSLATORS:` comment must reach the template: xgettext
        # keeps one only on the line just before the line of the string.
        msgcat --no-wrap "$TMP/fresh.pot" >"$TMP/fresh.nowrap"
        for f in $(grep '\.rs$' "$TMP/listed" || true); do
            [ -f "$f" ] || continue
            grep -n -o '// TRANSLATORS:.*' "$f" | while IFS= read -r c; do
                grep -qF -- "#. ${c#*// }" "$TMP/fresh.nowrap" || printf '%s:%s\n' "$f" "$c"
            done
        done >"$TMP/lostcomments"
        if [ -s "$TMP/lostcomments" ]; then
            fail "translator comments that xgettext did not attach to a message (put the comment on the line just before the string):"
            sed 's/^/    /' "$TMP/lostcomments" >&2
        fi
        # Every simple gettext literal in the Rust sources must have been
        # extracted; a miss means xgettext's C lexer went astray.
        for f in $(grep '\.rs$' "$TMP/listed" || true); do
            [ -f "$f" ] || continue
            sed -e 's|^[[:space:]]*//.*$||' "$f" | tr '\n' ' ' |
                grep -oE '\b(gettext|ngettext)\([[:space:]]*"([^"\\]|\\.)*"' |
                sed -e 's/^[a-z]*([[:space:]]*"//' -e 's/"$//' |
                while IFS= read -r lit; do
                    grep -qxF -- "$lit" "$TMP/fresh.ids" ||
                        printf '%s: "%s"\n' "$f" "$lit"
                done
        done >"$TMP/lost"
        if [ -s "$TMP/lost" ]; then
            fail "strings in gettext() calls that xgettext did not extract (a lifetime or quote character on the same line confuses it; move the call to its own line):"
            sed 's/^/    /' "$TMP/lost" >&2
        fi
    else
        cat "$TMP/xgettext.err" >&2
        fail "xgettext could not extract the template"
    fi

    # (a) every language well formed; partial translations are welcome
    # (gettext shows English for a message without translation).
    if [ $# -gt 0 ]; then
        files="$*"
    else
        files=
        for lang in $(linguas); do
            files="$files po/$lang.po"
        done
    fi
    for po in $files; do
        if [ ! -f "$po" ]; then
            fail "$po is missing (listed in po/LINGUAS); run 'tools/i18n.sh update-po'"
            continue
        fi
        check_po "$po" || fail "$po is broken (see above)"
    done

    if [ "$failed" -gt 0 ]; then
        die "$failed check(s) failed"
    fi
    echo "i18n: all checks passed"
}

case ${1:-} in
pot) cmd_pot ;;
update-po) cmd_update_po ;;
mo) cmd_mo ;;
check)
    shift
    cmd_check "$@"
    ;;
complete)
    shift
    cmd_complete "$@"
    ;;
potfiles) cmd_potfiles ;;
*)
    sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
