#!/usr/bin/env bash
# Makes sure a Docker engine answers. On a normal Docker host one already runs and this does nothing; on the
# project's sandboxed machines (no bridge, no iptables) it starts `dockerd --bridge=none --iptables=false` in the
# background, which is why every container in deploy/docker-compose.yml uses host networking there.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "docker-engine: an engine is running"
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: no engine running and no dockerd installed (apt-get install docker.io)" >&2
  exit 1
fi
log="${DOCKERD_LOG:-/tmp/robustmq-dockerd.log}"
echo "docker-engine: starting dockerd (log: $log)"
nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker-engine: up"
    exit 0
  fi
  sleep 0.5
done
echo "docker-engine: dockerd did not answer within 30 s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
