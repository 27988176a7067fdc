#!/usr/bin/env bash
# Stops the nodes started by start.sh, workers first and the seed last, each gracefully: a node
# that leaves hands the coordinator singleton to the next coordinator node.
set -euo pipefail
RUN="${RUN:-cluster/data/network}"
for n in 3 2 1; do
  pidfile="$RUN/node-$n.pid"
  [[ -f "$pidfile" ]] || continue
  pid="$(cat "$pidfile")"
  if kill "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
    echo "node $n stopped"
  fi
  rm -f "$pidfile"
done
