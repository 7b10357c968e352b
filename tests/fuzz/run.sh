#!/usr/bin/env bash
# `make fuzz`: runs every libFuzzer target of a CAPSTAN_FUZZ=ON build for a bounded time.
#
#   bash tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET] [TARGET...]
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>/, read only) and
# grows a working corpus in BUILD_DIR/fuzz-corpus/<target>/. A crash, leak or timeout
# leaves its input in BUILD_DIR/fuzz-artifacts/<target>/ and fails the run: minimise it,
# copy it into tests/fuzz/corpus/<target>/ as a regression input, and fix the bug.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}
SECONDS_EACH=${2:-60}
shift $(($# >= 2 ? 2 : 1))
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(stack_loader expression clouds_yaml plan_file)

status=0
for t in "${TARGETS[@]}"; do
  bin=$BUILD/tests/fuzz/${t}_fuzz
  [[ -x $bin ]] || { echo "==> $t: $bin is not built (configure with -DCAPSTAN_FUZZ=ON)"; status=1; continue; }
  work=$BUILD/fuzz-corpus/$t
  artifacts=$BUILD/fuzz-artifacts/$t
  mkdir -p "$work" "$artifacts"
  echo "==> fuzzing $t for ${SECONDS_EACH}s"
  log=$BUILD/fuzz-$t.log
  "$bin" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "tests/fuzz/corpus/$t" \
    > "$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  echo "    $t: ${runs:-?} executions, exit $rc (log: $log)"
  if ((rc != 0)) || compgen -G "$artifacts/*" > /dev/null; then
    echo "    $t: FAILED — inputs in $artifacts:"; ls -l "$artifacts"; tail -40 "$log"
    status=1
  fi
done
exit $status
