#!/bin/sh
# Issue 20: 793060a's booking benchmark (10 clients, each POSTing back to back: a closed
# loop, latency from each send), run on the code of any checkout, so that 793060a and a
# later commit are measured under one load model (docs/benchmarks.md, "Issue 20").
#
#   benchmarks/side_by_side/booking_793060a.sh CHECKOUT [postgres://.../throwaway_db]
#
# CHECKOUT's src/ comes first on every process's path. The patch (closed_loop_793060a.patch)
# changes only that, turns the public booking limits off where they exist (every booking
# comes from one address), takes PostgreSQL from the second argument (the database is
# dropped and created first), starts the worker with WORKER_ARGS (default 793060a's
# `--interval=0.5`; give the options CHECKOUT's `slotlink run` uses), or none with
# NOWORKER=1, and prints the emails sent and tasks left when the booking phase ends.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
target=$(cd "$1" && pwd)
database_url=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/benchmarks"
: > "$work/benchmarks/__init__.py"
for file in scheduling_booking.py ports.py; do
    git -C "$here" show "793060a:benchmarks/$file" > "$work/benchmarks/$file"
done
patch -s -d "$work" -p1 < "$here/benchmarks/side_by_side/closed_loop_793060a.patch"
if [ -n "$database_url" ]; then
    name=${database_url##*/}
    psql -q "${database_url%/*}/postgres" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
fi
cd "$work"
TARGET="$target" BENCH_DATABASE_URL="$database_url" PYTHONPATH="$target/src:$work" \
    "$here/.venv/bin/python" -m benchmarks.scheduling_booking
