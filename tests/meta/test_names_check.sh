#!/bin/bash
# Why this exists: ctest hands each Catch2 case name back to the test binary as a test spec.
# A name with ';' is split by CMake into several arguments, and one that begins with '-', '~'
# or a space is read as an option, an exclusion or a different name. Such a case fails or,
# worse, runs nothing and passes. This check lists every TEST_CASE name and refuses those.
set -u
src="${1:?usage: test_names_check.sh SOURCE_DIR}"
# Only whole literals (followed by ',' or ')'); names pasted together in a macro are skipped.
bad=$(grep -rhoE 'TEST_CASE(_METHOD)?\(([A-Za-z_]+, *)?"[^"]*" *[,)]' "$src/tests" --include='*.cc' |
      sed -E 's/^[^"]*"//; s/" *[,)]$//' |
      grep -nE ';|^[-~ ]|[ ]$|\\' || true)
if [ -n "$bad" ]; then
  echo "test names ctest cannot pass back to Catch2 (';', leading '-', '~' or space, trailing space, backslash):"
  echo "$bad"
  exit 1
fi
count=$(grep -rhoE 'TEST_CASE(_METHOD)?\(' "$src/tests" --include='*.cc' | wc -l)
[ "$count" -gt 100 ] || { echo "found only $count TEST_CASE names: the scan is broken"; exit 1; }
echo "checked $count test names"
