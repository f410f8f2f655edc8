#!/bin/sh
# Issue 20: CPU and queries of one public booking POST, in-process, on any checkout's code
# (booking_cpu.py says what is measured; docs/benchmarks.md, "Issue 20", the numbers).
#
#   benchmarks/side_by_side/booking_cpu.sh CHECKOUT [postgres://.../throwaway_db_name]
#
# VENV (default CHECKOUT-of-this-script/.venv), POSTS (400), WARMUP (20), PROFILE=file (a cProfile of the timed POSTs) and SHOW_QUERIES=1
# pass through. The booking limits are off, as in booking_793060a.sh; on PostgreSQL the
# connection is kept between requests as outside test mode (CONN_MAX_AGE 60).
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
target=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/benchmarks/side_by_side/booking_cpu.py" "$work/test_booking_cpu.py"
mkdir "$work/data"
cd "$work"
for name in ADDRESS EMAIL EVENT_TYPE ORGANIZATION; do
    export SLOTLINK_BOOKING_LIMIT_PER_$name=0
done
if [ -n "${2:-}" ]; then export DATABASE_URL="$2" KEEP_CONNECTION=1; fi
SLOTLINK_MODE=test SLOTLINK_DATA_DIR="$work/data" DJANGO_SETTINGS_MODULE=slotlink.config.settings \
    PYTHONPATH="$target/src:$target/zoom-sandbox/src:$target" \
    "${VENV:-$here/.venv}/bin/python" -m pytest -q -s -p no:cacheprovider --rootdir "$work" \
    -o addopts= -o DJANGO_SETTINGS_MODULE=slotlink.config.settings test_booking_cpu.py
