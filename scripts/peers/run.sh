#!/usr/bin/env bash
# Reproduce the peer comparison of docs/benchmarks.md: installs SciPy,
# Boost.Odeint, SUNDIALS CVODE and OpenBLAS from Debian's packages, builds
# the C/C++ drivers of this folder, and runs them and `pflow bench` on the
# same problems (arenstorf and lorenz at 1e-6, 1e-9, 1e-12; the dense
# gradflow_d1000 and principal_d1000 at 1e-9), in ROUNDS interleaved rounds.
# Every row is problem,solver,rtol,atol,nfev,error,seconds; summarize.py
# turns the rounds into the ratio tables of docs/benchmarks.md.
#
#   scripts/peers/run.sh            # install, build, run 3 rounds
#   INSTALL=0 ROUNDS=1 scripts/peers/run.sh
#
# Environment: OUT (output folder, default a new temporary folder), ROUNDS (3),
# INSTALL (1: apt-get install the peers; needs root or sudo), PYTHON
# (Debian's /usr/bin/python3, which sees python3-scipy), SMALL_TOLS,
# DENSE_TOLS, DENSE (the dense problems). BLAS runs single-threaded
# (OPENBLAS_NUM_THREADS=1), like gonum's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/pflow-peers.XXXXXX")}
rounds=${ROUNDS:-3}
py=${PYTHON:-/usr/bin/python3}
small_tols=${SMALL_TOLS:-1e-6,1e-9,1e-12}
dense_tols=${DENSE_TOLS:-1e-9}
dense=${DENSE:-gradflow_d1000 principal_d1000}
h0=1e-4

if [ "${INSTALL:-1}" = 1 ]; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y g++ python3-scipy libboost-dev libsundials-dev libopenblas-dev
fi
cores=$(nproc --all)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

mkdir -p "$out"
bin="$out/bin"
mkdir -p "$bin"
g++ -O2 -o "$bin/odeint_bench" "$here/odeint_bench.cpp" -lopenblas -lm
gcc -O2 -o "$bin/cvode_bench" "$here/cvode_bench.c" -lsundials_cvode -lsundials_nvecserial -lopenblas -lm
(cd "$root" && go build -o "$bin/pflow" ./cmd/pflow)

{
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $cores cores"
	echo "go: $(go version)"
	echo "gcc: $(gcc -dumpfullversion)"
	dpkg-query -W -f '${Package} ${Version}\n' python3-scipy python3-numpy libboost-dev libsundials-dev libopenblas0 2>/dev/null || true
} > "$out/versions.txt"
cat "$out/versions.txt"

small="arenstorf lorenz"
for r in $(seq 1 "$rounds"); do
	f="$out/round$r.csv"
	echo "problem,solver,rtol,atol,nfev,error,seconds" > "$f"
	echo "round $r/$rounds" >&2
	# pflow first, then the peers, problem group by problem group, so that
	# the rows to be compared run close together in time.
	"$bin/pflow" bench -problem "${small// /,}" -method dopri5,dop853 -h0 $h0 -reps 5 -batch 50ms | tail -n +2 >> "$f"
	"$bin/odeint_bench" $h0 "$small_tols" $small >> "$f"
	"$bin/cvode_bench" "$small_tols" $small >> "$f"
	"$py" "$here/scipy_bench.py" "$small_tols" $small >> "$f"
	for tol in ${dense_tols//,/ }; do
		"$bin/pflow" bench -problem "${dense// /,}" -method dopri5,dop853 -rtol "$tol" -h0 $h0 -reps 5 -batch 50ms | tail -n +2 >> "$f"
	done
	"$bin/odeint_bench" $h0 "$dense_tols" $dense >> "$f"
	"$bin/cvode_bench" "$dense_tols" $dense >> "$f"
	"$py" "$here/scipy_bench.py" "$dense_tols" $dense >> "$f"
done
"$py" "$here/summarize.py" "$out"/round*.csv | tee "$out/summary.md"
echo "rows (round*.csv), versions.txt and summary.md in $out" >&2
