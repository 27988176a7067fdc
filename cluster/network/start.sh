#!/usr/bin/env bash
# Three Quarry nodes on one machine, mining the real network with the operator's .env. Each node's
# overrides come from cluster/network/node-N.env (copy node.env.example). Stop with stop.sh.
#
#   cluster/network/start.sh [.env]
set -euo pipefail

QUARRY="${QUARRY:-target/quarry/bin/quarry}"
ENV_FILE="${1:-.env}"
HERE="$(cd "$(dirname "$0")" && pwd)"
RUN="${RUN:-cluster/data/network}"
mkdir -p "$RUN"

for n in 1 2 3; do
  overrides="$HERE/node-$n.env"
  if [[ ! -f "$overrides" ]]; then
    echo "missing $overrides: copy $HERE/node.env.example and set node $n's ports and data directory" >&2
    exit 2
  fi
  # The node's own variables win over the shared .env because the environment wins over .env files.
  (set -a; source "$overrides"; set +a; exec "$QUARRY" mine --env-file "$ENV_FILE") >"$RUN/node-$n.out" 2>"$RUN/node-$n.log" &
  echo "$!" >"$RUN/node-$n.pid"
  echo "node $n: pid $!, log $RUN/node-$n.log"
  # Let the seed node come up first so the others join instead of timing out.
  [[ "$n" == 1 ]] && sleep 5
done
