#!/usr/bin/env bash
# The Debian package: cpack -G DEB builds it from the build folder; it is installed with dpkg
# into a scratch root (the machine's own packages untouched), where man finds its page, bash
# its completion, and the installed binary runs the demo; then it is removed, leaving nothing.
# Usage: tests/package.sh BUILD_FOLDER
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log") || { cat "$work/cpack.log"; fail "cpack failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$work/out/funnel_${version}_amd64.deb
[[ -n "$version" && -f "$deb" ]] || fail "no $deb: $(ls "$work/out")"
dpkg-deb -f "$deb" Depends > "$work/depends"
grep -q libsqlite3 "$work/depends" || fail "no dependency on libsqlite3"
dpkg-deb -c "$deb" > "$work/contents"
for path in ./usr/bin/funnel ./usr/share/man/man1/funnel.1.gz \
            ./usr/share/bash-completion/completions/funnel ./usr/share/zsh/vendor-completions/_funnel \
            ./usr/share/fish/vendor_completions.d/funnel.fish ./usr/share/doc/funnel/README.md \
            ./usr/share/doc/funnel/guide.md ./usr/share/doc/funnel/examples/demo-pipeline.sh; do
    grep -q " $path\$" "$work/contents" || fail "$path is not in the package"
done

# A scratch root with an empty dpkg database.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
dpkg_root() {
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        dpkg --root="$root" --force-not-root --force-depends --log=/dev/null "$@"
}
dpkg_root -i "$deb" > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
dpkg_root -s funnel > "$work/status"
grep -q "Status: install ok installed" "$work/status" || fail "not installed"

# man finds the page.
page=$(MANPATH="$root/usr/share/man" man -w funnel)
[[ "$page" == "$root/usr/share/man/man1/funnel.1.gz" ]] || fail "man -w funnel gave '$page'"

# The installed binary, its completion and the demo, with a data file and home of the test's.
export PATH="$root/usr/bin:/usr/bin:/bin" HOME="$work/home" FUNNEL_DB="$work/demo.db" FUNNEL_CACHE=off
mkdir -p "$HOME"
[[ "$(command -v funnel)" == "$root/usr/bin/funnel" ]] || fail "not the installed funnel"
funnel --version | grep -q "^funnel " || fail "funnel --version"
bash "$root/usr/share/doc/funnel/examples/demo-pipeline.sh" > "$work/demo.log"
funnel report forecast > "$work/forecast.txt"
grep -q "total" "$work/forecast.txt" || fail "the demo's forecast has no total"
completed=$(bash --norc --noprofile -c "
    source '$root/usr/share/bash-completion/completions/funnel'
    complete -p funnel
    COMP_WORDS=(funnel opp list --org Glo); COMP_CWORD=4; _funnel
    printf '%s\n' \"\${COMPREPLY[@]}\"")
[[ "$completed" == $'complete -F _funnel funnel\nGlobex' ]] || fail "bash completion gave: $completed"

# Removed, it leaves nothing behind.
dpkg_root -r funnel > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r failed"; }
left=$(find "$root" -type f -not -path "$root/var/*" | head -5)
[[ -z "$left" ]] || fail "files left after removal: $left"
echo "package: $(basename "$deb") built, installed into a scratch root, used and removed"
