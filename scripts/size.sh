#!/usr/bin/env bash
# Prints the binary's size in bytes, fails above the budget, and records the
# size for the docs (scripts/numbers.py: docs/numbers.md and the README).
set -euo pipefail
bin=$1 budget=$2
size=$(stat -c %s "$bin")
echo "$bin: $size bytes (budget $budget)"
if (( size > budget )); then
    echo "size: $bin is over budget by $((size - budget)) bytes" >&2
    exit 1
fi
python3 "$(dirname "${BASH_SOURCE[0]}")/numbers.py" sizes --budget "$budget" "$bin"
