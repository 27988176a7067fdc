#!/usr/bin/env bash
# A three-node Quarry cluster on loopback, mining the embedded local network (no accounts, no GPU,
# no internet). Node 1 runs the network (chain, S3, trainer) and the coordinator; nodes 2 and 3
# join it as workers. Node 1 mines WINDOWS windows, the local validator checks each, and everything stops.
#
#   cluster/local/start.sh                 # from the project root, after `mvn -B package -DskipTests`
#   WINDOWS=3 DIR=/tmp/q cluster/local/start.sh
#
# Ports: cluster 25521-25523, management 9181-9183 (curl http://127.0.0.1:9181/status).
set -euo pipefail

QUARRY="${QUARRY:-target/quarry/bin/quarry}"
DIR="${DIR:-cluster/data/local}"
WINDOWS="${WINDOWS:-2}"
BLOCK_TIME="${BLOCK_TIME:-1000ms}"
LOGS="$DIR/logs"
mkdir -p "$LOGS"
rm -f "$DIR/network.json"

if [[ ! -x "$QUARRY" ]]; then
  echo "no launcher at $QUARRY: build with 'mvn -B package -DskipTests' or set QUARRY" >&2
  exit 2
fi

pids=()
stop_workers() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_workers EXIT

"$QUARRY" mine --local --windows "$WINDOWS" --data-dir "$DIR" --block-time "$BLOCK_TIME" --no-drand \
  --cluster-port 25521 --management-port 9181 >"$LOGS/node-1.out" 2>"$LOGS/node-1.log" &
leader=$!

# The workers join once the network is up (node 1 writes network.json then).
for _ in $(seq 1 120); do
  [[ -f "$DIR/network.json" ]] && break
  if ! kill -0 "$leader" 2>/dev/null; then
    echo "node 1 stopped early; see $LOGS/node-1.log" >&2
    exit 1
  fi
  sleep 0.5
done
[[ -f "$DIR/network.json" ]] || { echo "node 1 did not start the network in time; see $LOGS/node-1.log" >&2; exit 1; }

for n in 2 3; do
  "$QUARRY" mine --local --join 127.0.0.1:25521 --data-dir "$DIR" --cluster-port "2552$n" --management-port "918$n" \
    >"$LOGS/node-$n.out" 2>"$LOGS/node-$n.log" &
  pids+=("$!")
done

status=0
wait "$leader" || status=$?
cat "$LOGS/node-1.out"
echo "logs: $LOGS; objects: $DIR/s3/quarry-miner/grail/windows/"
exit "$status"
