#!/usr/bin/env bash
# A/B of the kafka-broker data path (issue #18): one 3-journal-replica cluster (`robustmq cluster up`), and per round
# a kafka-broker of tree A, then of tree B (order alternating by round), each: kcat produce RECORDS x 100 B (acks=all)
# to a fresh topic, kcat consume it back; CPU of placement + journals and of the kafka-broker from /proc, kcat's from
# /usr/bin/time. A and B are built checkouts (npm run build), e.g. a `git worktree` of main and this branch:
#   A=/tmp/kafka-main B=$PWD OFFSET=4000 ROUNDS=3 apps/kafka-broker/scripts/ab.sh
# ONLY=B runs B alone; RESTART=1 CONSUMEOPTS=--cpu-prof restarts the broker (with those node options) before consuming.
# OFFSET below 11000 keeps the ports (1227+OFFSET … 9095+OFFSET) out of the kernel's ephemeral range and the test kit's.
set -euo pipefail
DIR=${DIR:-/tmp/kafka-ab}; OFFSET=${OFFSET:-4000}; ROUNDS=${ROUNDS:-3}; RECORDS=${RECORDS:-500000}
A=${A:-}; B=${B:-$PWD}
[ -n "$A" ] || [ -n "${ONLY:-}" ] || { echo "A=<a built checkout of the baseline> is required (or ONLY=B)" >&2; exit 2; }
KAFKA=$((9092 + OFFSET)); PLACEMENT=127.0.0.1:$((1228 + OFFSET))
rm -rf "$DIR"; mkdir -p "$DIR"
export ROBUSTMQ_LOG_LEVEL=warn
cd "$B"
node apps/cli/dist/robustmq.js cluster up --dir "$DIR/cluster" --placement 1 --journal 3 --brokers 0 --port-offset "$OFFSET" >/dev/null
KPID=
teardown() { [ -n "$KPID" ] && kill "$KPID" 2>/dev/null || true; node apps/cli/dist/robustmq.js cluster down --dir "$DIR/cluster" --purge >/dev/null 2>&1 || true; }
trap teardown EXIT
for pair in "A:$A" "B:$B"; do N=${pair%%:*}; T=${pair#*:}; [ -n "$T" ] || continue
sed -e "s/^port = 9092 .*/port = $KAFKA/" -e "s/^http_port = 9095 .*/http_port = $((9095 + OFFSET))/" \
  -e "s#^data_dir = .*#data_dir = \"$DIR/kafka\"#" -e "s/^journal_replicas = 0 .*/journal_replicas = 3/" \
  -e "s/^addresses = .*/addresses = [\"$PLACEMENT\"]/" -e 's/^level = "info"/level = "warn"/' \
  "$T/config/kafka-broker.toml" > "$DIR/kafka-broker-$N.toml"
done
CPIDS=$(node -e "const c=require('$DIR/cluster/cluster.json');console.log(c.members.map(m=>m.pid).join(' '))")
python3 -c "import sys; sys.stdout.write((('x'*99)+'\n')*$RECORDS)" > "$DIR/recs.txt"
ticks() { local t=0; for p in "$@"; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
step() { # label cmd...
  local label=$1; shift; local c0 k0 t0 c1 k1 t1
  c0=$(ticks $CPIDS); k0=$(ticks $KPID); t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$DIR/time" "$@"
  t1=$(date +%s.%N); c1=$(ticks $CPIDS); k1=$(ticks $KPID)
  local wall; wall=$(echo "$t1 - $t0" | bc)
  echo "STEP $label wall=$wall rec/s=$(echo "$RECORDS / $wall" | bc) journal+placement-cpu=$(echo "($c1 - $c0)/100" | bc -l | cut -c1-5) kafka-broker-cpu=$(echo "($k1 - $k0)/100" | bc -l | cut -c1-5) client-cpu=$(awk '{print $1+$2}' "$DIR/time") load=$(cut -d' ' -f1 /proc/loadavg)"
}
variant() { # name tree round
  local name=$1 tree=$2 R=$3
  (cd "$tree" && exec node ${NODEOPTS:-} apps/kafka-broker/dist/main.js --config "$DIR/kafka-broker-$name.toml" > "$DIR/kafka-$name-$R.log" 2>&1) &
  KPID=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$((9095 + OFFSET))/health" >/dev/null && break; sleep 0.1; done
  sleep 1
  step "r$R $name produce" kcat -b 127.0.0.1:$KAFKA -P -t ab$R$name -p 0 -X linger.ms=5 -X batch.num.messages=10000 -X acks=all -X message.timeout.ms=120000 -l "$DIR/recs.txt"
  if [ -n "${RESTART:-}" ]; then
    kill "$KPID"; wait "$KPID" 2>/dev/null || true
    (cd "$tree" && exec node ${CONSUMEOPTS:-} apps/kafka-broker/dist/main.js --config "$DIR/kafka-broker-$name.toml" >> "$DIR/kafka-$name-$R.log" 2>&1) &
    KPID=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$((9095 + OFFSET))/health" >/dev/null && break; sleep 0.1; done
    sleep 1
  fi
  step "r$R $name consume" sh -c "kcat -b 127.0.0.1:$KAFKA -C -t ab$R$name -p 0 -o beginning -e -q | wc -l > $DIR/count"
  echo "    consumed $(cat $DIR/count)"
  kill "$KPID"; wait "$KPID" 2>/dev/null || true; KPID=
}
echo "uptime start: $(uptime)"
for R in $(seq "$ROUNDS"); do
  if [ -n "${ONLY:-}" ]; then variant $ONLY "$B" $R; elif [ $((R % 2)) -eq 1 ]; then variant A "$A" $R; variant B "$B" $R; else variant B "$B" $R; variant A "$A" $R; fi
done
echo "uptime end: $(uptime)"
