#!/usr/bin/env bash
# CLI start as whole processes: `vpci caps FILE`, `vpci --version`, `vpci check A B` beside
# `node -e 0`, run N times each, interleaved (each round runs every command once, starting at a
# different one), so a loaded machine slows all of them alike. Prints the median wall time
# (taken around /usr/bin/time with nanosecond clocks), the median user+sys CPU (from
# /usr/bin/time, which reports it in 10 ms steps: the mean beside it resolves finer) and peak
# RSS, each with its ratio to `node -e 0` of the same run.
#
#   npm run build && bash bench/cli.sh [N]      (N rounds, default 40)
#
# Runs the built CLI (dist/cli/main.js) with the node on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "bench/cli.sh: needs GNU time at $TIME (Debian/Ubuntu: apt-get install time; Fedora: dnf install time)" >&2
  exit 2
fi
CLI=dist/cli/main.js
if [ ! -f "$CLI" ]; then
  echo "bench/cli.sh: $CLI is missing; run npm run build first" >&2
  exit 2
fi
A=corpus/families/accelerator/v1-host-a.lspci
B=corpus/families/accelerator/v1-host-b.lspci
NAMES=('node -e 0' 'vpci caps FILE' 'vpci --version' 'vpci check A B')
COMMANDS=("node -e 0" "node $CLI caps $A" "node $CLI --version" "node $CLI check $A $B")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# One run: "wall_ns cpu_s rss_kib" appended to the command's file.
one() {
  local i=$1 t0 t1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$TIME" -o "$OUT/t" -f '%U %S %M' ${COMMANDS[$i]} >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  read -r u s m <"$OUT/t"
  echo "$((t1 - t0)) $u $s $m" >>"$OUT/$i"
}

for ((i = 0; i < ${#COMMANDS[@]}; i++)); do one "$i"; : >"$OUT/$i"; done # warm the page cache
for ((r = 0; r < N; r++)); do
  for ((k = 0; k < ${#COMMANDS[@]}; k++)); do one $(((r + k) % ${#COMMANDS[@]})); done
done

# Median of column $2 (a number per line) of file $1.
median() { awk "{print \$$2}" "$1" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

awk '{print $1, $2 + $3, $4}' "$OUT/0" >"$OUT/base"
bw=$(median "$OUT/base" 1); bc=$(median "$OUT/base" 2); bcm=$(awk '{s+=$2} END {print s/NR}' "$OUT/base")
echo "$(date -u +%Y-%m-%d) node $(node --version), $N interleaved rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %10s %7s %14s %7s %12s %7s %9s\n' command 'wall(med)' ratio 'user+sys(med)' ratio 'cpu(mean)' ratio 'rss(med)'
for ((i = 0; i < ${#COMMANDS[@]}; i++)); do
  awk '{print $1, $2 + $3, $4}' "$OUT/$i" >"$OUT/c"
  w=$(median "$OUT/c" 1); c=$(median "$OUT/c" 2); cm=$(awk '{s+=$2} END {print s/NR}' "$OUT/c"); m=$(median "$OUT/c" 3)
  awk -v n="${NAMES[$i]}" -v w="$w" -v bw="$bw" -v c="$c" -v bc="$bc" -v cm="$cm" -v bcm="$bcm" -v m="$m" 'BEGIN {
    printf "%-16s %8.1fms %6.2fx %12.0fms %6.2fx %10.1fms %6.2fx %6.0fMiB\n", n, w / 1e6, w / bw, c * 1000, (bc > 0 ? c / bc : 0), cm * 1000, cm / bcm, m / 1024 }'
done
