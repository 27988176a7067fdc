#!/usr/bin/env bash
# Each node's readiness and the cluster's mining status (any node answers /status for the cluster).
for port in 9181 9182 9183; do
  echo "== 127.0.0.1:$port /ready"
  curl -s "http://127.0.0.1:$port/ready" || echo "(not answering)"
  echo
done
curl -s "http://127.0.0.1:9181/status"
echo
