#!/usr/bin/env bash
# `npm run test:deploy`: the whole MQ through `docker-compose up`, as a user runs it. Brings up a Docker engine if
# none answers, builds the local base image if absent (BASE_IMAGE set = use that image instead), builds the project
# image from deploy/Dockerfile, starts deploy/docker-compose.yml, waits for every health check, then: MQTT through
# each broker and from one broker to another with mosquitto_pub/sub, Kafka with kcat (SASL/SCRAM as a user made with
# robust-ctl: produce through one kafka-broker, consume back through the other), nodes through placement's HTTP admin
# and robust-ctl (the image's own), a
# broker stopped with `docker-compose stop` unregistering at once (SIGTERM reaches Node), the placement leader
# stopped and metadata writes and MQTT still working, and `docker-compose down -v`. Uses the default ports.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
step() { echo "== [$(($(date +%s) - started))s] $*"; }
fail() { echo "test-deploy: FAILED: $*" >&2; exit 1; }

export ROBUSTMQ_IMAGE="${ROBUSTMQ_IMAGE:-robustmq:test-deploy}"
export ROBUSTMQ_CLUSTER_AUTH_TOKEN="deploy-test-cluster-token"
export ROBUSTMQ_ADMIN_TOKEN="deploy-test-admin-token"
export ROBUSTMQ_LOG_LEVEL=warn
export KAFKA_SASL_ENABLED=true
project=robustmq-test-deploy
compose=(docker-compose -f deploy/docker-compose.yml -f deploy/docker-compose.host.yml -p "$project")
PLACEMENT_HTTP=(1227 1237 1247)
auth=(-H "Authorization: Bearer $ROBUSTMQ_ADMIN_TOKEN")

for tool in docker docker-compose mosquitto_pub mosquitto_sub curl kcat; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (apt-get install docker.io docker-compose mosquitto-clients curl kcat)"
done

step "Docker engine"
bash deploy/scripts/docker-engine.sh

if [ -z "${BASE_IMAGE:-}" ]; then
  step "base image (local, built once)"
  bash deploy/scripts/build-base-image.sh robustmq-base:local
  BASE_IMAGE=robustmq-base:local
fi

step "docker build (BASE_IMAGE=$BASE_IMAGE) -> $ROBUSTMQ_IMAGE"
docker build --network host -q -f deploy/Dockerfile --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$ROBUSTMQ_IMAGE" . >/dev/null

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "---- container state and last log lines" >&2
    "${compose[@]}" ps >&2 || true
    "${compose[@]}" logs --no-color --tail=25 >&2 || true
  fi
  step "docker-compose down -v"
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  step "done (exit $rc)"
}
trap cleanup EXIT

"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
step "docker-compose up -d (dependents start once what they depend on is healthy)"
"${compose[@]}" up -d --no-build

step "waiting for every health check"
containers=$("${compose[@]}" ps -q)
[ "$(echo "$containers" | wc -l)" -eq 11 ] || fail "expected 11 containers, got: $containers"
deadline=$(($(date +%s) + 180))
while :; do
  unhealthy=$(for c in $containers; do
    state=$(docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$c")
    [ "${state##* }" = healthy ] || echo "$state"
  done)
  [ -z "$unhealthy" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy after 180 s: $unhealthy"
  sleep 2
done
step "all 11 containers healthy"

placement_get() { # first member that answers
  for port in "${PLACEMENT_HTTP[@]}"; do
    curl -fsS "${auth[@]}" "http://127.0.0.1:$port$1" 2>/dev/null && return 0
  done
  return 1
}
count_nodes() { placement_get "/api/v1/cluster/nodes?cluster_type=$1" | grep -o '"nodeId"' | wc -l; }

pubsub() { # pubsub <sub port> <pub port> <topic>: one QoS 1 message from a publisher to a subscriber
  local out
  out=$(mktemp)
  mosquitto_sub -h 127.0.0.1 -p "$1" -t "$3" -q 1 -C 1 -W 15 >"$out" &
  local sub=$!
  for _ in $(seq 1 30); do
    mosquitto_pub -h 127.0.0.1 -p "$2" -t "$3" -q 1 -m "hello via $2" || true
    if [ -s "$out" ]; then break; fi
    sleep 0.5
  done
  wait "$sub" || true
  local got
  got=$(cat "$out")
  rm -f "$out"
  [ "$got" = "hello via $2" ]
}

step "MQTT: mosquitto_pub -> mosquitto_sub through each broker (1883, 1893, 1903)"
pubsub 1883 1883 deploy/test/one || fail "no message through broker 1"
pubsub 1893 1893 deploy/test/two || fail "no message through broker 2"
pubsub 1903 1903 deploy/test/three || fail "no message through broker 3"
if [ "${DEPLOY_TEST_CROSS_BROKER:-on}" = on ]; then
  step "MQTT: published on broker 1, received on broker 2; published on broker 3, received on broker 1"
  pubsub 1893 1883 deploy/test/cross-1-2 || fail "a message published on broker 1 did not reach a subscriber on broker 2"
  pubsub 1883 1903 deploy/test/cross-3-1 || fail "a message published on broker 3 did not reach a subscriber on broker 1"
fi

step "nodes through placement's HTTP admin"
[ "$(count_nodes JOURNAL_SERVER)" -eq 3 ] || fail "expected 3 journal servers: $(placement_get /api/v1/cluster/nodes)"
[ "$(count_nodes MQTT_BROKER)" -eq 3 ] || fail "expected 3 brokers: $(placement_get /api/v1/cluster/nodes)"
[ "$(count_nodes KAFKA_BROKER)" -eq 2 ] || fail "expected 2 kafka-brokers: $(placement_get /api/v1/cluster/nodes)"
curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:1227/api/v1/cluster/nodes | grep -q 401 || fail "the admin API answered without the token"

step "nodes and cluster status through robust-ctl (the image's)"
ctl() {
  docker exec -e ROBUSTMQ_ADMIN_TOKEN -e ROBUSTMQ_PLACEMENT_HTTP=placement-center-1:1227,placement-center-2:1237,placement-center-3:1247 \
    "$("${compose[@]}" ps -q "$ctl_service")" robust-ctl "$@"
}
ctl_service=journal-server-1
ctl nodes
ctl cluster status
ctl nodes --type MQTT_BROKER | grep -c '^MQTT_BROKER' | grep -qx 3 || fail "robust-ctl does not list 3 brokers"

step "Kafka: kcat as a robust-ctl user (SASL/SCRAM-SHA-256): produce through kafka-broker-1, consume back through kafka-broker-2"
ctl user create kafka-user --password kafka-pw >/dev/null || fail "robust-ctl user create kafka-user"
kafka_auth() { echo -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-256 -X sasl.username=kafka-user -X "sasl.password=$1"; }
# shellcheck disable=SC2046
printf 'k1:first\nk2:second\nk3:third\n' | timeout 60 kcat -b 127.0.0.1:9092 $(kafka_auth kafka-pw) -X message.timeout.ms=30000 \
  -P -t deploy-test -K : || fail "kcat could not produce through kafka-broker-1"
# shellcheck disable=SC2046
got=$(timeout 60 kcat -b 127.0.0.1:9102 $(kafka_auth kafka-pw) -C -t deploy-test -o beginning -e -q -f '%k=%s\n') ||
  fail "kcat could not consume through kafka-broker-2"
[ "$got" = "$(printf 'k1=first\nk2=second\nk3=third')" ] || fail "kcat read back: $got"
# shellcheck disable=SC2046
if timeout 30 kcat -b 127.0.0.1:9092 $(kafka_auth wrong) -L -m 3 >/dev/null 2>&1; then fail "kafka-broker-1 took a wrong password"; fi

step "docker-compose stop mqtt-broker-2: SIGTERM reaches Node, the broker unregisters"
"${compose[@]}" stop -t 30 mqtt-broker-2
# the heartbeat timeout is 10 s; an unregistered broker is gone at once
[ "$(count_nodes MQTT_BROKER)" -eq 2 ] || fail "mqtt-broker-2 still registered after a clean stop"
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$("${compose[@]}" ps -q mqtt-broker-2)")
[ "$exit_code" -eq 0 ] || fail "mqtt-broker-2 exited with $exit_code on docker stop"

step "docker-compose stop the placement leader; writes still succeed"
leader=$(placement_get /api/v1/cluster | sed -n 's/.*"leader":\([0-9]*\).*/\1/p')
[ -n "$leader" ] && [ "$leader" -gt 0 ] || fail "no placement leader"
"${compose[@]}" stop -t 30 "placement-center-$leader"
ctl_service=journal-server-2
ok=""
for _ in $(seq 1 40); do
  if ctl kv put deploy/after-stop "leader $leader stopped" >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.5
done
[ -n "$ok" ] || fail "no write accepted after stopping placement member $leader"
ctl kv get deploy/after-stop | grep -q "leader $leader stopped" || fail "the write is not readable"
ctl user create deploy-user --password pw >/dev/null || fail "user create after leader stop"
new_leader=$(placement_get /api/v1/cluster | sed -n 's/.*"leader":\([0-9]*\).*/\1/p')
step "placement leader $leader stopped, new leader $new_leader, writes accepted"
pubsub 1883 1883 deploy/test/after || fail "no MQTT message through broker 1 after the placement leader stopped"
if [ "${DEPLOY_TEST_CROSS_BROKER:-on}" = on ]; then
  pubsub 1883 1903 deploy/test/after-cross || fail "no message from broker 3 to broker 1 after the placement leader stopped"
fi
