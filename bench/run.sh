#!/usr/bin/env bash
# The benchmark in one command: build, start the service on a fresh embedded PostgreSQL, seed, load it,
# run pgbench on the same database, reconcile, and write bench/target/results.md.
#
#   bench/run.sh            full run: 100 tenants, 100,000 users in the largest, 5,000,000 ledger entries,
#                           1/8/32/128 clients, 30 s per level (+5 s warm-up)
#   bench/run.sh --smoke    tiny data, 1/8 clients, 1 s per level: well under a minute
#
# The "monthstart" workload (issue 12): every user of the largest tenant gets a monthly RESET allowance (in SQL,
# none granted yet, as at 00:00 on the 1st), then the month's grants run (POST grant-current-period: the period
# job's batches of 500 users, each its own transaction) while charge clients keep spending. It reports how long
# the grants took and the charge throughput during them against just before them.
#
# --webhooks (issue 13): before the load every tenant gets its alert thresholds set and a webhook endpoint for every
# event pointing at a local receiver (Bench receive, answers 204, checks each signature); the service runs with
# aicredits.webhooks.allow-private-targets=true so an http://127.0.0.1 target is allowed. Compare a run with and
# without it (same other options) for the cost of alerts and webhooks on the charge path.
#
# Options (after or instead of --smoke): --tenants N --users-big N --users-other N --entries N
#   --concurrency 1,8,32,128 --duration SECONDS --warmup SECONDS (per level) --jit-warmup SECONDS (each workload once,
#   unmeasured, before any level: the service's JIT compiles the paths; default 30, 0 with --smoke) --workloads health,charge,pair,batch,balance,admin,usage,forecast,runway
#   (batch: POST /consumption/charges with 100 charges a call, reported in charges/s)
#   --admin-charge-clients N --search TERM (admin table filter, default abc)
#   --trivial-path PATH (the HTTP-ceiling endpoint, default /actuator/health/liveness: no database call) --no-build
#   --allowances N (month start: users given an allowance, default all of the largest tenant's)
#   --monthstart-clients N (charge clients during the month start, default 8) --webhooks
# Environment: BENCH_HTTP_PORT (18080), BENCH_PG_PORT (15432), BENCH_JAVA (a java >= 21; found in /usr/lib/jvm otherwise),
#   PGBENCH (/usr/lib/postgresql/15/bin/pgbench), BENCH_JVM_OPTS (the service's JVM options; default -Xmx512m, the
#   heap docs/operations.md's "Running in production" recommends; add e.g. -XX:StartFlightRecording=filename=bench.jfr to profile),
#   BENCH_SERVICE_OPTS (the service's own options, e.g. --aicredits.usage.job.enabled=false: the charge path without
#   the usage roll-ups' fold).
#   BENCH_DATABASE (host:port/name): an existing, empty database instead of the embedded PostgreSQL (user postgres,
#   trusted); the service creates the schema. BENCH_DATABASE_READY: a command run once the schema exists and before
#   the seed, e.g. distributing it on a Citus coordinator (docs/operations.md, "Distributing by tenant with Citus"):
#     BENCH_DATABASE=127.0.0.1:9700/bench BENCH_DATABASE_READY='psql -h 127.0.0.1 -p 9700 -U postgres -d bench \
#       -f server/src/main/resources/db/citus/distribute.sql' bench/run.sh --smoke
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
HTTP_PORT=${BENCH_HTTP_PORT:-18080}
PG_PORT=${BENCH_PG_PORT:-15432}
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
PLATFORM_KEY="bench-$RANDOM$RANDOM"
read -r -a JVM_OPTS <<< "${BENCH_JVM_OPTS:--Xmx512m}"

MODE=full TENANTS=100 USERS_BIG=100000 USERS_OTHER=100 ENTRIES=5000000
LEVELS=1,8,32,128 DURATION=30 WARMUP=5 JIT_WARMUP=30 WORKLOADS=health,charge,pair,balance,admin,usage,forecast,runway,monthstart BG=8 BUILD=1 SEARCH=abc TRIVIAL=/actuator/health/liveness
ALLOWANCES= MS_CLIENTS=8 WEBHOOKS=0
RECEIVER_PORT=${BENCH_RECEIVER_PORT:-18099}
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --smoke) MODE=smoke TENANTS=3 USERS_BIG=1000 USERS_OTHER=10 ENTRIES=20000 LEVELS=1,8 DURATION=1 WARMUP=0.5 JIT_WARMUP=0 BG=2 MS_CLIENTS=2 ;;
  esac
done
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --smoke) ;;
    --tenants) TENANTS=${args[++i]} ;;
    --users-big) USERS_BIG=${args[++i]} ;;
    --users-other) USERS_OTHER=${args[++i]} ;;
    --entries) ENTRIES=${args[++i]} ;;
    --concurrency) LEVELS=${args[++i]} ;;
    --duration) DURATION=${args[++i]} ;;
    --warmup) WARMUP=${args[++i]} ;;
    --jit-warmup) JIT_WARMUP=${args[++i]} ;;
    --workloads) WORKLOADS=${args[++i]} ;;
    --admin-charge-clients) BG=${args[++i]} ;;
    --search) SEARCH=${args[++i]} ;;
    --trivial-path) TRIVIAL=${args[++i]} ;;
    --no-build) BUILD=0 ;;
    --allowances) ALLOWANCES=${args[++i]} ;;
    --monthstart-clients) MS_CLIENTS=${args[++i]} ;;
    --webhooks) WEBHOOKS=1 ;;
    *) echo "unknown option ${args[i]}" >&2; exit 2 ;;
  esac
done

ALLOWANCES=${ALLOWANCES:-$USERS_BIG}
# The load client's own workloads; monthstart is run by this script after them.
MONTHSTART=0
if [[ ",$WORKLOADS," == *",monthstart,"* ]]; then MONTHSTART=1; fi
LOAD_WORKLOADS=$(echo "$WORKLOADS" | tr ',' '\n' | grep -vx monthstart | paste -sd, -)
if [[ -z "$LOAD_WORKLOADS" ]]; then LOAD_WORKLOADS=charge; fi

# Raw pieces (server log, seed log, pgbench logs, the data dir) per mode, so a smoke run (e.g. the JUnit
# smoke test) does not wipe a full run's database.
OUT=$ROOT/bench/target/run-$MODE

find_java() {
  if [[ -n "${BENCH_JAVA:-}" ]]; then echo "$BENCH_JAVA"; return; fi
  for j in /usr/lib/jvm/*/bin/java; do
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [[ -n "$v" && "$v" -ge 21 ]]; then echo "$j"; return; fi
  done
  echo java
}
JAVA=$(find_java)
T_START=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ $BUILD == 1 ]]; then
  echo "== build"
  ./mvnw -B -q install -DskipTests
fi
JAR=$(ls server/target/aicredits-server-*.jar | grep -v plain | head -1)
BENCH_CP="bench/target/classes:bench/target/lib/*"

rm -rf "$OUT"; mkdir -p "$OUT"
DB_HOST=localhost DB_PORT=$PG_PORT DB_NAME=aicredits DB_OPTS=(--aicredits.embedded-postgres.port="$PG_PORT")
DB_LINE="embedded PostgreSQL (fresh data dir)"
if [[ -n "${BENCH_DATABASE:-}" ]]; then
  DB_HOST=${BENCH_DATABASE%%:*} DB_PORT=${BENCH_DATABASE#*:} DB_NAME=${BENCH_DATABASE#*/}
  DB_PORT=${DB_PORT%%/*}
  DB_OPTS=(--spring.datasource.url="jdbc:postgresql://$DB_HOST:$DB_PORT/$DB_NAME" --spring.datasource.username=postgres)
  DB_LINE="the database $BENCH_DATABASE"
fi
PSQL=(psql -X -q -h "$DB_HOST" -p "$DB_PORT" -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1)

SERVER_PID= RECEIVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "$RECEIVER_PID" ]] && kill -0 "$RECEIVER_PID" 2>/dev/null; then kill "$RECEIVER_PID"; wait "$RECEIVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
# A step that fails stops the run (set -e); say which, and what the service last logged, so a failure in CI, where
# only this output is kept, can be read.
failed_step() {
  echo "bench/run.sh stopped: line $1 exited $2: $3" >&2
  if [[ -f "$OUT/server.log" ]]; then echo "-- the service's last lines ($OUT/server.log):" >&2; tail -25 "$OUT/server.log" >&2; fi
}
trap 'failed_step "$LINENO" "$?" "$BASH_COMMAND"' ERR

echo "== start the service ($DB_LINE, data in $OUT/data, HTTP on $HTTP_PORT)"
T0=$(date +%s.%N)
# The scheduled reconciliation (a full scan of millions of entries a minute after start) would land in the
# middle of a measured window; the run reconciles once at the end instead, and times it.
read -r -a SERVICE_OPTS <<< "${BENCH_SERVICE_OPTS:-}"
if [[ $WEBHOOKS == 1 ]]; then SERVICE_OPTS+=(--aicredits.webhooks.allow-private-targets=true); fi
AICREDITS_PLATFORM_API_KEY=$PLATFORM_KEY "$JAVA" "${JVM_OPTS[@]}" -jar "$JAR" --server.port="$HTTP_PORT" \
  "${DB_OPTS[@]}" --aicredits.data-dir="$OUT/data" \
  --aicredits.ledger.reconciliation.enabled=false "${SERVICE_OPTS[@]}" \
  > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "http://localhost:$HTTP_PORT/actuator/health" > /dev/null; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "the service died; see $OUT/server.log" >&2; tail -30 "$OUT/server.log" >&2; exit 1; fi
  sleep 0.1
done
STARTUP=$(echo "$(date +%s.%N) - $T0" | bc)
printf 'up in %.1f s (pid %s)\n' "$STARTUP" "$SERVER_PID"
if [[ -n "${BENCH_DATABASE_READY:-}" ]]; then
  echo "== $BENCH_DATABASE_READY"
  bash -c "$BENCH_DATABASE_READY" > "$OUT/database-ready.log"
fi

echo "== seed: $TENANTS tenants, $USERS_BIG users in the largest, $USERS_OTHER in each other, ~$ENTRIES ledger entries"
T0=$(date +%s.%N)
"$JAVA" -cp "$BENCH_CP" com.aicredits.bench.Bench setup --base "http://localhost:$HTTP_PORT" \
  --platform-key "$PLATFORM_KEY" --tenants "$TENANTS" --out "$OUT"
source "$OUT/bench.env"
"${PSQL[@]}" -v big="$BIG_TENANT" -v users_big="$USERS_BIG" -v users_other="$USERS_OTHER" -v entries="$ENTRIES" \
  -f bench/src/main/resources/seed.sql > "$OUT/seed.log"
SEED_TIME=$(echo "$(date +%s.%N) - $T0" | bc)
N_ENTRIES=$("${PSQL[@]}" -tAc "select count(*) from ledger_entries")
N_USERS=$("${PSQL[@]}" -tAc "select count(*) from users")
printf 'seeded %s users, %s ledger entries in %.1f s\n' "$N_USERS" "$N_ENTRIES" "$SEED_TIME"

# The usage roll-ups are folded behind the ledger by the service's own job (every 5 s). Every workload is to measure
# a running service, whose roll-ups are current, not one folding a database just seeded with millions of entries:
# the reads of usage, forecast and runway would read roll-ups half made, and the fold's CPU would be taken from
# whatever workload runs first (minutes of it on the full data; 2 s on issue 16's small data). So the load starts
# once the fold has caught up with the seed, unless the service runs without it (BENCH_SERVICE_OPTS above).
if [[ " ${SERVICE_OPTS[*]} " == *" --aicredits.usage.job.enabled=false "* ]]; then
  FOLD_LINE="- usage roll-ups: the fold is off (--aicredits.usage.job.enabled=false)"
else
  T0=$(date +%s.%N)
  # Caught up: no entry past the watermark, and the largest tenant's runways kept (KeptRunways, the fold's last step).
  until [[ "$("${PSQL[@]}" -tAc "select not exists (select 1 from ledger_entries where tx > (select tx from usage_watermark))
                 and exists (select 1 from usage_zones where tenant_id = '$BIG_TENANT' and runways_on is not null)")" == t ]]; do
    if (( $(echo "$(date +%s.%N) - $T0 > 1800" | bc) )); then echo "the usage fold did not catch up within 30 minutes" >&2; exit 1; fi
    sleep 2
  done
  # Analyzed as the seed analyzed its tables: otherwise the reads are planned from the tables autovacuum last saw
  # empty, until it looks again (the runway page took 5 s instead of tenths in one such run).
  "${PSQL[@]}" -c "analyze user_runways, usage_daily, usage_daily_features"
  FOLD_TIME=$(echo "$(date +%s.%N) - $T0" | bc)
  printf 'the usage fold caught up with the seed in %.1f s\n' "$FOLD_TIME"
  FOLD_LINE="- usage roll-ups: the service's fold caught up with the seeded entries $(printf '%.1f' "$FOLD_TIME") s after seeding, before the load"
fi

WEBHOOK_LINE="- webhooks: off (no endpoints registered; alert thresholds at their defaults)"
if [[ $WEBHOOKS == 1 ]]; then
  echo "== webhooks: a receiver on 127.0.0.1:$RECEIVER_PORT, alert thresholds and an endpoint for every event in each tenant"
  "$JAVA" -cp "$BENCH_CP" com.aicredits.bench.Bench receive --port "$RECEIVER_PORT" --out "$OUT" > "$OUT/receiver.log" 2>&1 &
  RECEIVER_PID=$!
  until grep -q "webhook receiver on" "$OUT/receiver.log" 2>/dev/null; do
    if ! kill -0 "$RECEIVER_PID" 2>/dev/null; then echo "the receiver died; see $OUT/receiver.log" >&2; cat "$OUT/receiver.log" >&2; exit 1; fi
    sleep 0.1
  done
  "$JAVA" -cp "$BENCH_CP" com.aicredits.bench.Bench webhooks --base "http://localhost:$HTTP_PORT" \
    --platform-key "$PLATFORM_KEY" --tenants-file "$OUT/tenants.txt" --receiver "http://127.0.0.1:$RECEIVER_PORT" --out "$OUT"
fi

sum_consumed() { "${PSQL[@]}" -tAc "select coalesce(sum(consumed), 0) || ' ' || coalesce(sum(held), 0) from accounts where tenant_id = '$BIG_TENANT'"; }
read -r CONSUMED_BEFORE HELD_BEFORE <<< "$(sum_consumed)"

echo "== load: $LOAD_WORKLOADS at $LEVELS clients, ${DURATION}s each (+${WARMUP}s warm-up), after ${JIT_WARMUP}s of each unmeasured"
"$JAVA" -cp "$BENCH_CP" com.aicredits.bench.Bench load --base "http://localhost:$HTTP_PORT" --env "$OUT/bench.env" \
  --users "$USERS_BIG" --concurrency "$LEVELS" --duration "$DURATION" --warmup "$WARMUP" --jit-warmup "$JIT_WARMUP" --workloads "$LOAD_WORKLOADS" \
  --admin-charge-clients "$BG" --search "$SEARCH" --trivial-path "$TRIVIAL" --server-pid "$SERVER_PID" --out "$OUT"
source "$OUT/load.env"
read -r CONSUMED_AFTER HELD_AFTER <<< "$(sum_consumed)"
# Everything consumed during the load, warm-ups included, is in the database; the client counted only the
# measured windows, so compare the database with the number of charges/settles the service reported as
# successful in total (requests with the bench feature).
SUCCESSFUL=$("${PSQL[@]}" -tAc "select count(*) || ' ' || coalesce(sum(cost), 0) from consumption_requests where tenant_id = '$BIG_TENANT' and feature = 'bench' and status = 'SETTLED'")
read -r N_SETTLED COST_SETTLED <<< "$SUCCESSFUL"
DELTA=$((CONSUMED_AFTER - CONSUMED_BEFORE))

echo "== pgbench: the SQL of one charge on the same database (and of one authorize+settle pair, when pairs ran)"
MAXCONN=$("${PSQL[@]}" -tAc "show max_connections")
# pgbench SCRIPT CLIENTS: its tps rounded, and its output in $OUT/pgbench-SCRIPT-CLIENTS.log; the run stops if it fails.
pgbench_tps() {
  local j=$(( $2 < 2 ? 1 : 2 )) tps
  tps=$(PGUSER=postgres "$PGBENCH" -h "$DB_HOST" -p "$DB_PORT" -n -M prepared -c "$2" -j "$j" -T "$(printf '%.0f' "$(echo "$DURATION + 0.49" | bc)")" \
    -D tenant="$BIG_TENANT" -D users="$USERS_BIG" -f "bench/src/main/resources/pgbench-$1.sql" "$DB_NAME" 2> "$OUT/pgbench-$1-$2.err" \
    | tee "$OUT/pgbench-$1-$2.log" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  if [[ -z "$tps" ]]; then echo "pgbench $1 at $2 clients failed; see $OUT/pgbench-$1-$2.err" >&2; cat "$OUT/pgbench-$1-$2.err" >&2; exit 1; fi
  printf '%.0f' "$tps"
}
declare -A PGB PGP
for c in ${LEVELS//,/ }; do
  if (( c > MAXCONN - 20 )); then echo "skip pgbench at $c clients (max_connections $MAXCONN)"; continue; fi
  PGB[$c]=$(pgbench_tps charge "$c")
  echo "pgbench $c clients: ${PGB[$c]} tps"
  if [[ ",$LOAD_WORKLOADS," == *,pair,* ]]; then
    PGP[$c]=$(pgbench_tps pair "$c")
    echo "pgbench pairs $c clients: ${PGP[$c]} pairs/s"
  fi
done

MS_LINE=
if [[ $MONTHSTART == 1 ]]; then
  echo "== month start: $ALLOWANCES monthly RESET allowances of 1,000 credits, granted while $MS_CLIENTS clients charge"
  # As at 00:00 on the 1st: the allowances exist, no grant for this month yet.
  "${PSQL[@]}" -c "insert into allowances (tenant_id, user_id, credits, period, mode, note, set_by, set_at)
      select tenant_id, user_id, 1000000, 'MONTHLY', 'RESET', 'bench', 'bench', now() from accounts
       where tenant_id = '$BIG_TENANT' order by user_id limit $ALLOWANCES on conflict do nothing"
  MS_OUT=$OUT/monthstart; mkdir -p "$MS_OUT"
  BEFORE_S=10
  if [[ $MODE == smoke ]]; then BEFORE_S=2; fi
  # Charges run throughout: BEFORE_S seconds alone, then during the grants; the load stops when they are done.
  "$JAVA" -cp "$BENCH_CP" com.aicredits.bench.Bench load --base "http://localhost:$HTTP_PORT" --env "$OUT/bench.env" \
    --users "$USERS_BIG" --concurrency "$MS_CLIENTS" --duration 3600 --warmup 0 --workloads charge \
    --server-pid "$SERVER_PID" --out "$MS_OUT" > "$MS_OUT/load.log" 2>&1 &
  MS_LOAD=$!
  sleep "$BEFORE_S"
  T_MS0=$("${PSQL[@]}" -tAc "select clock_timestamp()")
  curl -sf --max-time 3600 -X POST -H "Authorization: Bearer $PLATFORM_KEY" \
    "http://localhost:$HTTP_PORT/api/v1/tenants/$BIG_TENANT/credits/allowances/grant-current-period" > "$MS_OUT/grant.json"
  T_MS1=$("${PSQL[@]}" -tAc "select clock_timestamp()")
  kill "$MS_LOAD" 2>/dev/null || true; wait "$MS_LOAD" 2>/dev/null || true
  IFS="|" read -r MS_SECONDS MS_RATE_DURING MS_RATE_BEFORE <<< "$("${PSQL[@]}" -tAc "
      with w as (select '$T_MS0'::timestamptz as t0, '$T_MS1'::timestamptz as t1),
      c as (select count(*) filter (where r.created_at >= w.t0 and r.created_at < w.t1) as during,
                   count(*) filter (where r.created_at >= w.t0 - interval '$BEFORE_S seconds' + interval '1 second'
                                      and r.created_at < w.t0) as before
              from consumption_requests r, w
             where r.tenant_id = '$BIG_TENANT' and r.feature = 'bench' and r.created_at >= w.t0 - interval '$BEFORE_S seconds')
      select round(extract(epoch from w.t1 - w.t0)::numeric, 2),
             round(c.during / greatest(extract(epoch from w.t1 - w.t0), 0.001)::numeric),
             round(c.before / ($BEFORE_S - 1)::numeric)
        from w, c")"
  MS_GRANTS=$("${PSQL[@]}" -tAc "select count(*) from allowance_grants where tenant_id = '$BIG_TENANT'")
  MS_ENTRIES=$("${PSQL[@]}" -tAc "select count(*) from ledger_entries where tenant_id = '$BIG_TENANT' and actor = 'allowance'")
  printf 'month start: %s grants (%s ledger entries) in %s s; charges/s %s before, %s during\n' \
    "$MS_GRANTS" "$MS_ENTRIES" "$MS_SECONDS" "$MS_RATE_BEFORE" "$MS_RATE_DURING"
  MS_LINE="| $ALLOWANCES | $MS_GRANTS | $MS_ENTRIES | $MS_SECONDS | $MS_CLIENTS | $MS_RATE_BEFORE | $MS_RATE_DURING | $(jq -c . "$MS_OUT/grant.json") |"
fi

if [[ $WEBHOOKS == 1 ]]; then
  echo "== webhooks: waiting (at most 60 s) for the outbox to drain"
  for _ in $(seq 600); do
    PENDING=$("${PSQL[@]}" -tAc "select count(*) from webhook_deliveries where status = 'PENDING'")
    if [[ $PENDING == 0 ]]; then break; fi
    sleep 0.1
  done
  sleep 1.5 # the receiver writes its counts every second
  read -r WH_DELIVERED WH_FAILED WH_PENDING WH_EVENTS <<< "$("${PSQL[@]}" -tAc "select count(*) filter (where status = 'DELIVERED') || ' ' || count(*) filter (where status = 'FAILED') || ' ' || count(*) filter (where status = 'PENDING') || ' ' || (select count(*) from webhook_events) from webhook_deliveries")"
  # shellcheck disable=SC1091
  source <(sed 's/^TYPES=\(.*\)$/TYPES="\1"/' "$OUT/receiver.txt")
  WH_ENDPOINTS=$(wc -l < "$OUT/webhook-secrets.tsv")
  printf 'webhooks: %s events, deliveries %s delivered / %s failed / %s pending; receiver got %s (%s bad signatures): %s\n' \
    "$WH_EVENTS" "$WH_DELIVERED" "$WH_FAILED" "$WH_PENDING" "$RECEIVED" "$BAD_SIGNATURES" "$TYPES"
  WEBHOOK_LINE="- webhooks: **on** ($WH_ENDPOINTS endpoints, one per tenant, every event, to a local receiver answering 204; alert thresholds set in every tenant): $WH_EVENTS events, deliveries $WH_DELIVERED delivered / $WH_FAILED failed / $WH_PENDING still pending after the run; the receiver got $RECEIVED with $BAD_SIGNATURES bad signatures ($TYPES)"
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
VMHWM=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")

echo "== reconcile (the service's own reconciliation, GET /api/v1/reconciliation)"
T0=$(date +%s.%N)
curl -sf --max-time 600 -H "Authorization: Bearer $PLATFORM_KEY" "http://localhost:$HTTP_PORT/api/v1/reconciliation" \
  > "$OUT/reconcile.json"
jq -r '.drifts[]' "$OUT/reconcile.json" > "$OUT/reconcile.txt"
DRIFTS=$(jq '.drifts | length' "$OUT/reconcile.json")
REC_TIME=$(echo "$(date +%s.%N) - $T0" | bc)
printf 'drifts: %s (%.1f s)\n' "$DRIFTS" "$REC_TIME"

cleanup; SERVER_PID=

# ---- results.md
R=$ROOT/bench/target/results.md
{
  echo "# AI Credits benchmark ($MODE)"
  echo
  echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/Mem:/ {print $2}') GB RAM; client, service and PostgreSQL on the same machine; load average before / after the load: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine shows here)"
  echo "- command: \`bench/run.sh $*\`"
  echo "- service: $(basename "$JAR") on $("$JAVA" -version 2>&1 | head -1) with \`${JVM_OPTS[*]}\`, $DB_LINE, started in $(printf '%.1f' "$STARTUP") s"
  echo "- data: $TENANTS tenants, $N_USERS users ($USERS_BIG in the largest), $N_ENTRIES ledger entries before the run; seeded in SQL in $(printf '%.1f' "$SEED_TIME") s"
  echo "$FOLD_LINE"
  echo "- trivial endpoint (\`health\` rows): GET $TRIVIAL"
  echo "$WEBHOOK_LINE"
  if (( $(echo "$JIT_WARMUP <= 0" | bc) )); then echo "- JIT warm-up: none"; else
    echo "- JIT warm-up: each workload ${JIT_WARMUP} s unmeasured before any level is measured (at the largest level up to 32 clients)"; fi
  echo "- each level: ${DURATION} s measured after ${WARMUP} s warm-up; closed-loop clients (Apache HttpClient 5 classic, HTTP/1.1 keep-alive), latencies in HdrHistogram"
  echo
  cat "$OUT/load.md"
  echo
  echo "CPU columns: cores used during the measured window by the load generator, by the service's JVM (/proc/<pid>/stat), and the whole machine's busy share (PostgreSQL is the rest)."
  echo
  echo "## Baselines and ratios"
  echo
  echo "| clients | service charge/s | pgbench charge tps | charge / pgbench | authorize+settle pairs/s | pairs / pgbench | pgbench pairs/s | pairs / pgbench pairs | batch charges/s (100 a call) | batch / pgbench | trivial endpoint req/s | charge / trivial |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in ${LEVELS//,/ }; do
    ch=$(eval echo "\${TPUT_charge_$c:-}"); pr=$(eval echo "\${TPUT_pair_$c:-}"); he=$(eval echo "\${TPUT_health_$c:-}")
    ba=$(eval echo "\${TPUT_batch_$c:-}")
    pg=${PGB[$c]:-} pp=${PGP[$c]:-}
    ratio() { if [[ -n "$1" && -n "$2" && "$2" != 0 ]]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo "–"; fi; }
    echo "| $c | ${ch:-–} | ${pg:-–} | $(ratio "$ch" "$pg") | ${pr:-–} | $(ratio "$pr" "$pg") | ${pp:-–} | $(ratio "$pr" "$pp") | ${ba:-–} | $(ratio "$ba" "$pg") | ${he:-–} | $(ratio "$ch" "$he") |"
  done
  echo
  echo "pgbench: \`pgbench -n -M prepared -c N -j 2 -T ${DURATION}\` with bench/src/main/resources/pgbench-charge.sql, the service's own charge statement (conditional UPDATE of the account, request row, ledger entry), random users of the largest tenant, same database, run after the service load. pgbench pairs: the same with pgbench-pair.sql, the service's authorize and settle statements on one request id, each committing on its own (the database's own ceiling for pairs)."
  echo
  if [[ -n "$MS_LINE" ]]; then
    echo "## Month start"
    echo
    echo "| allowances | grants | entries by \`allowance\` | duration s | charge clients | charges/s before | charges/s during | answer |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---|"
    echo "$MS_LINE"
    echo
    echo "Every user of the largest tenant given a monthly RESET allowance of 1,000 credits with no grant for the month yet (as at 00:00 on the 1st), then \`POST /credits/allowances/grant-current-period\` (the period job's code: batches of \`aicredits.allowances.batch-size\` users (default 100), each its own transaction; each grant returns the unused credits and grants the allowance: two entries) while charge clients spend; charges counted in the database (settled bench requests by creation time) during the grants and in the $BEFORE_S s before them."
    echo
  fi
  echo "## Memory and correctness"
  echo
  echo "- service peak RSS (VmHWM of the JVM): $((VMHWM / 1024)) MB (embedded PostgreSQL's processes not included)"
  echo "- consumed in the largest tenant during the load: $(echo "$DELTA / 1000" | bc) credits; settled bench requests (charges + settles): $N_SETTLED, Σ cost $(echo "$COST_SETTLED / 1000" | bc) credits → $( [[ $DELTA == "$COST_SETTLED" ]] && echo match || echo MISMATCH )"
  echo "- client-counted successes in the measured windows: $(echo "$CONSUMED_THOUSANDTHS / 1000" | bc) credits (warm-ups excluded, so ≤ the above); errors: $ERRORS"
  echo "- held before/after: $HELD_BEFORE / $HELD_AFTER"
  echo "- reconciliation over all tenants after the run (service + pgbench): $DRIFTS drifts ($(printf '%.1f' "$REC_TIME") s)"
  echo "- total wall time: $(( $(date +%s) - T_START )) s"
} > "$R"
cp "$R" "$OUT/results.md"
cat "$R"
if [[ $WEBHOOKS == 1 && ( ${BAD_SIGNATURES:-1} != 0 || ${RECEIVED:-0} == 0 ) ]]; then
  echo "FAILED: webhooks on but the receiver got ${RECEIVED:-0} deliveries, ${BAD_SIGNATURES:-?} with a bad signature" >&2
  exit 1
fi
if [[ $DRIFTS != 0 || $DELTA != "$COST_SETTLED" || $ERRORS != 0 ]]; then
  echo "FAILED: drifts=$DRIFTS delta=$DELTA settled=$COST_SETTLED errors=$ERRORS" >&2
  head -20 "$OUT/reconcile.txt" >&2
  exit 1
fi
