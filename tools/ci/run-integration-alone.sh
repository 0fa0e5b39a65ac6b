#!/usr/bin/env bash
# Runs every file of test/integration and test/reliability alone, one `npx vitest run <file>` each,
# in a random order (shuf): a file that passes only after another one (state left in Redis or etcd,
# a log another file wrote) fails here. Stops at the first failing file and names it.
#
#   tools/ci/run-integration-alone.sh            # a fresh order (printed, with its seed)
#   SEED=12345 tools/ci/run-integration-alone.sh # the same order again
#
# Left out: test/reliability/soak.test.ts (a minute of load by design; the full suite runs it).
set -euo pipefail
cd "$(dirname "$0")/../.."

SKIP=(test/reliability/soak.test.ts)
seed="${SEED:-$RANDOM$RANDOM}"

mapfile -t all < <(ls test/integration/*.test.ts test/reliability/*.test.ts)
files=()
for f in "${all[@]}"; do
  keep=1
  for s in "${SKIP[@]}"; do [ "$f" = "$s" ] && keep=0; done
  [ "$keep" = 1 ] && files+=("$f")
done
# `yes <seed>` is an endless, repeatable byte stream: the same seed gives the same order.
mapfile -t order < <(printf '%s\n' "${files[@]}" | shuf --random-source=<(yes "$seed"))

echo "run-integration-alone: ${#order[@]} files, seed $seed (left out: ${SKIP[*]})"
started=$SECONDS
i=0
for f in "${order[@]}"; do
  i=$((i + 1))
  echo "=== [$i/${#order[@]}] $f"
  t0=$SECONDS
  if ! npx vitest run "$f"; then
    echo "run-integration-alone: FAILED: $f (run alone, file $i of ${#order[@]}; SEED=$seed reproduces the order)" >&2
    exit 1
  fi
  echo "=== $f passed alone in $((SECONDS - t0)) s"
done
echo "run-integration-alone: all ${#order[@]} files passed alone in $((SECONDS - started)) s (seed $seed)"
