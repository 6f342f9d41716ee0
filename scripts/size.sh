#!/usr/bin/env bash
# Prints the binary's size in bytes and fails above the budget.
set -euo pipefail
bin=$1 budget=$2
size=$(stat -c %s "$bin")
echo "$bin: $size bytes (budget $budget, goal 8192)"
if (( size > budget )); then
    echo "size: $bin is over budget by $((size - budget)) bytes" >&2
    exit 1
fi
