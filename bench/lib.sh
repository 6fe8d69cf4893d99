# Shared by the bench/ scripts: the binary under test, timing whole commands and
# printing tables.

# The CLI to measure: $APPLIANCE if set, else a release build (what users install;
# init and guestd come from beside it).
appliance_binary() {
  if [[ -z ${APPLIANCE:-} ]]; then
    # The three programs the benchmarks run (not the SSH server, whose release build is long).
    for product in appliance init guestd; do swift build -c release -q --product "$product" >&2; done
    APPLIANCE=$PWD/.build/release/appliance
  fi
  echo "$APPLIANCE"
}

# Seconds for one run of a command, output discarded; a failing run aborts the benchmark.
once() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# "median min max" of the numbers on stdin.
stats() {
  sort -n | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# "median min max" over $runs runs of a command, after one warm-up run.
measure() {
  once "$@" >/dev/null
  for _ in $(seq "$runs"); do once "$@"; done | stats
}

# A table row: name, median, min, max, and the median's ratio to a reference median.
row() {
  awk -v n="$1" -v m="$2" -v lo="$3" -v hi="$4" -v ref="$5" \
    'BEGIN { printf "| %-46s | %8.3f | %7.3f – %7.3f | %7.2f |\n", n, m, lo, hi, m / ref }'
}

header() {
  printf '| %-46s | %8s | %17s | %7s |\n' "$1" median "min – max" "$2"
  printf '|%s|----------|-------------------|---------|\n' "------------------------------------------------"
}
