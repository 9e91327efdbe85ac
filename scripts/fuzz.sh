#!/usr/bin/env bash
# Coverage-guided fuzzing of the importers and the extractor (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz.sh setup               install cargo-fuzz and a C++ compiler if missing
#   scripts/fuzz.sh build               build every fuzz target
#   scripts/fuzz.sh run TARGET SECONDS  fuzz one target for SECONDS
#   scripts/fuzz.sh all SECONDS         fuzz every target in turn, SECONDS each
#   scripts/fuzz.sh smoke               every target for FUZZ_SMOKE_SECONDS (default 5)
#   scripts/fuzz.sh list                the targets
#
# Targets live in fuzz/fuzz_targets/, their bodies in fuzz/harness.rs (shared
# with tests/fuzz_regressions.rs). The run corpus fuzz/corpus/TARGET and the
# crashes in fuzz/artifacts/TARGET stay out of git; a crash worth keeping is
# minimised (cargo fuzz tmin) and copied to tests/fuzz_regressions/TARGET/.
# Seeds: fuzz/seeds/TARGET (invented, in git) and the regression inputs. When
# the local corpus of a target is first created it is also seeded from the
# published letters in $IMRDESK_CORPUS (default ../shared/corpus/dev) if that
# folder exists; those copies never enter git.
#
# Hangs (over 10 s) and slow inputs (over 2 s, saved as slow-unit-*) are kept
# as artifacts like crashes.
# Each run prints its executions and exec/s (libFuzzer's final stats) and
# appends a line to $FUZZ_LOGS/summary.tsv; full output in $FUZZ_LOGS/TARGET-*.log.
# Runs are niced (the machine is shared); FUZZ_JOBS=2 runs `all` two at a time.
# Inputs are capped at 256 KiB for pdf and 64 KiB otherwise; FUZZ_MAX_LEN sets
# another cap (small inputs run many times faster). FUZZ_NO_BUILD=1 runs the
# targets as last built, without cargo (so fuzzing goes on during a rebuild).
# Rust is stable: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(letter_text pdf records_file review_ron extract request engine)
LOGS="${FUZZ_LOGS:-fuzz/target/logs}"
CORPUS_SRC="${IMRDESK_CORPUS:-../shared/corpus/dev}"
export RUSTC_BOOTSTRAP=1
# No sanitizer: the engine is safe Rust, and ASan would halve the exec rate.
# Debug assertions and overflow checks stay on (cargo-fuzz's default build).
BUILD_FLAGS=(--sanitizer none)

setup() {
    if ! command -v c++ >/dev/null && ! command -v clang++ >/dev/null; then
        echo "fuzz: installing a C++ compiler (libfuzzer-sys builds libFuzzer)" >&2
        sudo_cmd=""
        [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
        $sudo_cmd apt-get update -qq
        $sudo_cmd apt-get install -y -qq g++ >/dev/null
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "fuzz: installing cargo-fuzz" >&2
        cargo install cargo-fuzz --version 0.13.2 --locked
    fi
}

known() {
    local t
    for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
    echo "fuzz: unknown target '$1' (targets: ${TARGETS[*]})" >&2
    exit 2
}

max_len() {
    if [ -n "${FUZZ_MAX_LEN:-}" ]; then
        echo "$FUZZ_MAX_LEN"
        return
    fi
    case "$1" in
        pdf) echo 262144 ;;
        *) echo 65536 ;;
    esac
}

# The local corpus: created on first use from the seeds, the regression
# inputs and, when present, the published letters (never in git).
prepare_corpus() {
    local t="$1" dir="fuzz/corpus/$1"
    [ -d "$dir" ] && return 0
    mkdir -p "$dir"
    cp fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null || true
    cp tests/fuzz_regressions/"$t"/* "$dir"/ 2>/dev/null || true
    if [ -d "$CORPUS_SRC" ]; then
        case "$t" in
            pdf) find "$CORPUS_SRC" -maxdepth 1 -name '*.pdf' -size -256k -exec cp {} "$dir"/ \; ;;
            letter_text | extract | records_file | engine)
                find "$CORPUS_SRC" -maxdepth 1 -name '*.txt' -size -64k -exec cp {} "$dir"/ \; ;;
        esac
    fi
}

# run TARGET SECONDS: fuzz, then print and record the final stats.
run_one() {
    local t="$1" secs="$2"
    known "$t"
    prepare_corpus "$t"
    mkdir -p "$LOGS" "fuzz/artifacts/$t"
    local log
    log="$LOGS/$t-$(date +%Y%m%d-%H%M%S).log"
    local marker
    marker=$(mktemp)
    local status=0 started=$SECONDS
    local flags=(-max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10
        -rss_limit_mb=2048 -report_slow_units=2 -print_final_stats=1)
    if [ -n "${FUZZ_NO_BUILD:-}" ]; then
        # The binary as last built: fuzzing goes on while a rebuild runs.
        (cd fuzz && nice -n 10 "target/$(rustc -vV | sed -n 's/^host: //p')/release/$t" \
            -artifact_prefix="artifacts/$t/" "${flags[@]}" "corpus/$t") >"$log" 2>&1 || status=$?
    else
        (cd fuzz && nice -n 10 cargo fuzz run "${BUILD_FLAGS[@]}" "$t" "corpus/$t" -- \
            "${flags[@]}") >"$log" 2>&1 || status=$?
    fi
    local execs rate found
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    found=$(find "fuzz/artifacts/$t" -type f -newer "$marker" | wc -l)
    local took=$((SECONDS - started))
    printf '%s: %s executions, %s exec/s, %ss, exit %s, %s new artifact(s); log %s\n' \
        "$t" "${execs:-?}" "${rate:-?}" "$took" "$status" "$found" "$log"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "${execs:-0}" "${rate:-0}" \
        "$took" "$status" "$found" >>"$LOGS/summary.tsv"
    find "fuzz/artifacts/$t" -type f -newer "$marker" | sed 's/^/  artifact: /'
    rm -f "$marker"
    return 0
}

build() {
    [ -n "${FUZZ_NO_BUILD:-}" ] && return 0
    (cd fuzz && nice -n 10 cargo fuzz build "${BUILD_FLAGS[@]}")
}

all() {
    local secs="$1" jobs="${FUZZ_JOBS:-1}" t
    build
    if [ "$jobs" -ge 2 ]; then
        local i=0
        for t in "${TARGETS[@]}"; do
            run_one "$t" "$secs" &
            i=$((i + 1))
            if [ $((i % jobs)) -eq 0 ]; then wait; fi
        done
        wait
    else
        for t in "${TARGETS[@]}"; do run_one "$t" "$secs"; done
    fi
    total
}

# Executions recorded in the summary, per target and in all.
total() {
    [ -f "$LOGS/summary.tsv" ] || return 0
    awk -F'\t' '{ n[$2] += $3; s[$2] += $5; c[$2] += $7; all += $3 }
        END { for (t in n) printf "  %-13s %12d executions in %6ds, %d artifact(s)\n", t, n[t], s[t], c[t];
              printf "  total         %12d executions\n", all }' "$LOGS/summary.tsv"
}

main() {
    case "${1:-}" in
    setup) setup ;;
    build) setup && build ;;
    run)
        [ $# -eq 3 ] || { echo "usage: scripts/fuzz.sh run TARGET SECONDS" >&2; exit 2; }
        setup && build && run_one "$2" "$3" ;;
    all)
        [ $# -eq 2 ] || { echo "usage: scripts/fuzz.sh all SECONDS" >&2; exit 2; }
        setup && all "$2" ;;
    smoke) setup && all "${FUZZ_SMOKE_SECONDS:-5}" ;;
    total) total ;;
    list) printf '%s\n' "${TARGETS[@]}" ;;
    *)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
    esac
}

main "$@"
exit
