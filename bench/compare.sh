#!/usr/bin/env bash
# Compare commits like for like on a busy machine: each runs the lifecycle
# benchmark in turn, in alternating order (A B C, C B A, ...), each against
# its own database, so the machine's drift hits every side alike.
#   git worktree add --detach ../wt-bench HEAD && (cd ../wt-bench && make setup)
#   BENCH_WT=../wt-bench bench/compare.sh out-dir 2 before=ba5eaeb after=HEAD
#   # a side named *noprep* runs with DB_PREPARED_STATEMENTS=0
# Databases speed_bench_<side> on PGURL (default the machine's PostgreSQL) must
# exist. Besides lifecycle.py's figures it prints the gunicorn workers' CPU time
# per lifecycle, which a busy machine disturbs far less than wall-clock time,
# and a fixed CPU loop's time before and after each run (the machine's speed).
set -u
out=$1; rounds=$2; shift 2
sides=("$@")
wt=$(realpath "${BENCH_WT:?a worktree with its own .venv, checked out per side}")
pgurl=${PGURL:-postgres://postgres@127.0.0.1:5432}
here=$(realpath "$(dirname "$0")")
mkdir -p "$out"
cpu() { python3 -c "import time;t=time.perf_counter();sum(i*i for i in range(3*10**6));print(f'cpu-loop {time.perf_counter()-t:.3f}s')"; }
for r in $(seq "$rounds"); do
  order=("${sides[@]}")
  if [ $((r % 2)) -eq 0 ]; then order=(); for ((k=${#sides[@]}-1; k>=0; k--)); do order+=("${sides[$k]}"); done; fi
  for side in "${order[@]}"; do
    name=${side%%=*}; rev=${side#*=}
    (cd "$wt" && git checkout -q --detach "$rev")
    if [[ $name == *noprep* ]]; then prep=0; else prep=1; fi
    f="$out/$r-$name.txt"
    { date -u +%T; cpu; uptime; (cd "$wt" && git log --oneline -1); echo "DB_PREPARED_STATEMENTS=$prep"; } > "$f"
    DB_PREPARED_STATEMENTS=$prep DATABASE_URL="$pgurl/speed_bench_$name" "$here/run_once.sh" "$wt" >> "$f" 2>&1
    { cpu; date -u +%T; } >> "$f"
  done
done
grep -H "throughput\|latency\|CPU per\|cpu-loop" "$out"/*.txt
