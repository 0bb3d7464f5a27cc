#!/usr/bin/env bash
# A fuzzing campaign: runs each cargo-fuzz target for a fixed time, one after another, starting
# from the committed seeds in seeds/<target>/ (when there are any). New inputs go to
# corpus/<target>/, crashes to artifacts/<target>/, logs to logs/<target>.log; none of these
# are committed (see .gitignore): keep a crash as a minimized regression test instead.
#
# usage: fuzz/run.sh [seconds-per-target] [target...]
#   seconds-per-target  default 600
#   target              default: every target in fuzz_targets/
# env: FUZZ_TOOLCHAIN (default nightly), FUZZ_RSS_LIMIT_MB (default 2048),
#      FUZZ_TIMEOUT (seconds per input, default 10)
set -uo pipefail

cd "$(dirname "$0")"
secs="${1:-600}"
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    dirs=("corpus/$t")
    if [ -d "seeds/$t" ]; then
        dirs+=("seeds/$t")
    fi
    echo "== $t: ${secs}s" >&2
    cargo "+$toolchain" fuzz run "$t" "${dirs[@]}" -- \
        -max_total_time="$secs" \
        -rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}" \
        -timeout="${FUZZ_TIMEOUT:-10}" \
        -print_final_stats=1 \
        >"logs/$t.log" 2>&1
    rc=$?
    # libFuzzer's last status line: `#<executions> DONE ...` or the line before a crash.
    grep -E '^#[0-9]+' "logs/$t.log" | tail -n 1 >&2
    grep -E '^stat::number_of_executed_units' "logs/$t.log" >&2
    if [ "$rc" -ne 0 ]; then
        echo "!! $t exited with $rc; see logs/$t.log and artifacts/$t/" >&2
        status=1
    fi
done
exit "$status"
