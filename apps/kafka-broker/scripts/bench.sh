#!/usr/bin/env bash
# Issue #18 benchmark driver: a 3-journal-replica cluster (`robustmq cluster up`, 1 placement, 3 journal servers, no
# MQTT brokers) plus one kafka-broker process on it, then ROUNDS interleaved rounds of
#   kcat produce (acks=all) -> kcat consume -> journal native append + read (journal-native.mjs, same cluster)
# printing wall seconds and the server processes' CPU seconds (utime+stime from /proc/<pid>/stat, all 5 servers) for
# each step, then the fixed-rate latency run (produce-latency.mjs, kafkajs). Everything under $DIR, ports offset by
# $OFFSET; torn down at the end. Run from the repository root after `npm run build`:
#   DIR=/tmp/kbench OFFSET=36000 ROUNDS=3 RECORDS=500000 apps/kafka-broker/scripts/bench.sh
set -euo pipefail
DIR=${DIR:-/tmp/kbench}; OFFSET=${OFFSET:-36000}; ROUNDS=${ROUNDS:-3}; RECORDS=${RECORDS:-500000}
KAFKA=$((9092 + OFFSET)); PLACEMENT=127.0.0.1:$((1228 + OFFSET))
rm -rf "$DIR"; mkdir -p "$DIR"
export ROBUSTMQ_LOG_LEVEL=warn  # every member and the kafka-broker: no per-request info logs in the measurement
node apps/cli/dist/robustmq.js cluster up --dir "$DIR/cluster" --placement 1 --journal 3 --brokers 0 --port-offset "$OFFSET"
teardown() { kill "$KPID" 2>/dev/null || true; node apps/cli/dist/robustmq.js cluster down --dir "$DIR/cluster" --purge >/dev/null 2>&1 || true; }
trap teardown EXIT
sed -e "s/^port = 9092 .*/port = $KAFKA/" -e "s/^http_port = 9095 .*/http_port = $((9095 + OFFSET))/" \
  -e "s#^data_dir = .*#data_dir = \"$DIR/kafka\"#" -e "s/^journal_replicas = 0 .*/journal_replicas = 3/" \
  -e "s/^addresses = .*/addresses = [\"$PLACEMENT\"]/" -e 's/^level = "info"/level = "warn"/' \
  config/kafka-broker.toml > "$DIR/kafka-broker.toml"
node apps/kafka-broker/dist/main.js --config "$DIR/kafka-broker.toml" > "$DIR/kafka.log" 2>&1 &
KPID=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$((9095 + OFFSET))/health" >/dev/null && break; sleep 0.1; done
PIDS="$KPID $(node -e "const c=require('$DIR/cluster/cluster.json');console.log(c.members.map(m=>m.pid).join(' '))" 2>/dev/null || true)"
PIDS=$(echo $PIDS | tr ' ' '\n' | sort -u | tr '\n' ' ')
echo "server pids: $PIDS"
cpu() { local t=0; for p in $PIDS; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
kcpu() { awk '{print $14+$15}' /proc/$KPID/stat; } # the kafka-broker alone (the rest is placement + 3 journals)
python3 -c "import sys; sys.stdout.write((('x'*99)+'\n')*$RECORDS)" > "$DIR/recs.txt"
run() { # label, command...
  local label=$1; shift; local c0 k0 t0 c1 k1 t1; c0=$(cpu); k0=$(kcpu); t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); c1=$(cpu); k1=$(kcpu)
  echo "STEP $label wall=$(echo "$t1 - $t0" | bc) cpu=$(echo "($c1 - $c0)/100" | bc -l | cut -c1-5) kafka-broker-cpu=$(echo "($k1 - $k0)/100" | bc -l | cut -c1-5)"
}
echo "uptime start: $(uptime)"
for R in $(seq "$ROUNDS"); do
  run "r$R kafka-produce" kcat -b 127.0.0.1:$KAFKA -P -t bench$R -p 0 -X linger.ms=5 -X batch.num.messages=10000 -X acks=all -X message.timeout.ms=120000 < "$DIR/recs.txt"
  run "r$R kafka-consume" sh -c "kcat -b 127.0.0.1:$KAFKA -C -t bench$R -p 0 -o beginning -e -q | wc -l"
  [ -n "${BIGFETCH:-}" ] && run "r$R kafka-consume-8MiB-fetch" sh -c "kcat -b 127.0.0.1:$KAFKA -C -t bench$R -p 0 -o beginning -e -q -X fetch.message.max.bytes=8388608 | wc -l"
  run "r$R native-append" node apps/kafka-broker/scripts/journal-native.mjs --placement $PLACEMENT --namespace native$R --records $RECORDS --batch 10000 --producers 4
  run "r$R native-read" node apps/kafka-broker/scripts/journal-native.mjs --placement $PLACEMENT --namespace native$R --mode read
done
[ -n "${NOLAT:-}" ] || for R in $(seq "$ROUNDS"); do
  run "r$R latency" node apps/kafka-broker/scripts/produce-latency.mjs --broker 127.0.0.1:$KAFKA --topic lat$R --rate 5000 --seconds 10
done
echo "uptime end: $(uptime)"
