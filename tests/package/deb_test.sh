#!/usr/bin/env bash
# The Debian package: cpack builds it from BUILD, dpkg -x unpacks it into a temporary
# root, and the files it must carry are checked, down to the installed binary running.
#
# usage: deb_test.sh BUILD_DIR VERSION   (ctest label `package`)
set -euo pipefail
build=$1
version=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
debs=("$tmp"/out/*.deb)
[[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || fail "expected one .deb in $tmp/out"
deb=${debs[0]}
echo "built $(basename "$deb")"

[[ $(dpkg-deb -f "$deb" Package) == capstan ]] || fail "package name"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "package version is not $version"
dpkg-deb -f "$deb" Depends | grep -q libsqlite3 || fail "Depends lacks libsqlite3 (shlibdeps)"

root=$tmp/root
dpkg -x "$deb" "$root"
bin=$root/usr/bin/capstan
man=$root/usr/share/man/man1/capstan.1.gz
bash_completion=$root/usr/share/bash-completion/completions/capstan
zsh_completion=$root/usr/share/zsh/vendor-completions/_capstan
for f in "$bin" "$man" "$bash_completion" "$zsh_completion" "$root/usr/share/doc/capstan/cli.md"; do
  [[ -s $f ]] || fail "missing or empty: ${f#"$root"}"
done
[[ -x $bin ]] || fail "usr/bin/capstan is not executable"

"$bin" version | grep -q "capstan $version" || fail "installed binary does not run 'version'"
zcat "$man" | grep -q '^\.TH CAPSTAN 1' || fail "man page has no .TH header"
zcat "$man" | grep -q 'capstan drift' || fail "man page lacks the drift command"
if command -v groff >/dev/null; then
  zcat "$man" | groff -man -Tutf8 -ww -z 2>"$tmp/groff.err" || fail "groff rejects the man page"
  [[ ! -s $tmp/groff.err ]] || { cat "$tmp/groff.err" >&2; fail "groff warnings"; }
fi
bash -n "$bash_completion" || fail "bash completion has syntax errors"
bash -c "source '$bash_completion' && complete -p capstan" >/dev/null ||
  fail "bash completion does not register for capstan"
# Completing `capstan drift --format ` offers the formats.
words=$(bash -c "source '$bash_completion'; COMP_WORDS=(capstan drift --format ''); COMP_CWORD=3;
  _capstan; echo \"\${COMPREPLY[*]}\"")
[[ $words == *junit* && $words == *markdown* ]] || fail "bash completion of drift --format: '$words'"
if command -v zsh >/dev/null; then zsh -n "$zsh_completion" || fail "zsh completion syntax"; fi
echo "ok: binary, man page, completions and docs installed; 'capstan version' runs"
