#!/usr/bin/env bash
# Scale-out walkthrough (docs/scale-out.md): one PostgreSQL, three worker JVMs serving the same
# deployments, the dashboard; a worker killed with kill -9 in the middle of a run; a backfill spread
# over the workers that are left. Run it from anywhere; it stops everything it started when it ends.
#
#   examples/scale-out/run.sh
#
# SLUICE_DATABASE_URL   use this PostgreSQL server (jdbc:postgresql://host:5432/sluice, with SLUICE_DATABASE_USER and
#                       SLUICE_DATABASE_PASSWORD); without it the script starts a throwaway one of its own:
# SCALE_OUT_POSTGRES    auto (default): Debian's package when installed (/usr/lib/postgresql/*/bin), a throwaway
#                       cluster in a temporary directory, else the embedded one; debian or embedded to choose
# SCALE_OUT_SHORT=1     shorter runs (what the test of this script uses)
# SCALE_OUT_NO_BUILD=1  do not build first (the jars must exist)
# SCALE_OUT_PORT        the dashboard's port (default 4200)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
short="${SCALE_OUT_SHORT:-}"
port="${SCALE_OUT_PORT:-4200}"
work="$(mktemp -d -t sluice-scale-out.XXXXXX)"
pids=()
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cleanup() {
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  [[ -n "${pg_in:-}" ]] && exec {pg_in}>&- 2>/dev/null || true
  [[ -n "${pg_stop:-}" ]] && { as_pg $pg_stop >/dev/null 2>&1 || true; }
  if [[ -n "${SCALE_OUT_KEEP:-}" ]]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "scale-out: $*" >&2
  for f in "$work"/*.log; do
    [[ -f "$f" ]] || continue
    # a stack trace's last lines are only frames: show the lines that say what went wrong (whole), then the end
    local said; said="$(grep -E '(Exception|Error|Caused by)' "$f" | grep -v -E '^[[:space:]]+at ' | tail -6)"
    [[ -n "$said" ]] && { echo "--- $(basename "$f") (errors and exceptions, last ones)" >&2; echo "$said" >&2; }
    echo "--- $(basename "$f") (last lines)" >&2; tail -5 "$f" >&2
  done
  if [[ -n "${SLUICE_DATABASE_URL:-}" && -n "${sluice:-}" ]]; then # what the database says when it failed
    echo "--- sluice worker ls --all; deployments runs slow-report" >&2
    "$sluice" worker ls --all >&2 2>&1 || true
    "$sluice" deployments runs slow-report --limit 6 >&2 2>&1 || true
  fi
  exit 1
}
wait_for() { # seconds, description, command...
  # by the clock, not by tries: a check that starts a JVM takes seconds on a loaded machine
  local seconds="$1" what="$2"; shift 2
  local until=$((SECONDS + seconds))
  while ((SECONDS < until)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  fail "timed out after ${seconds}s waiting for $what"
}

export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
if [[ -z "${SCALE_OUT_NO_BUILD:-}" ]]; then
  say "Building (./mvnw -B -q package -DskipTests), and the examples' class path for the embedded PostgreSQL"
  ./mvnw -B -q package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
fi
app="$(ls examples/target/sluice-examples-*.jar | grep -v sources | head -1)"
sluice="$root/bin/sluice"
export SLUICE_HOME="$work/home"

pg_kind="${SCALE_OUT_POSTGRES:-auto}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
case "$pg_kind" in
  auto) if [[ -n "$pg_bin" && -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]]; then pg_kind=debian; else pg_kind=embedded; fi ;;
  debian) [[ -n "$pg_bin" && -x "$pg_bin/initdb" ]] || fail "SCALE_OUT_POSTGRES=debian, but no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)" ;;
  embedded) ;;
  *) fail "SCALE_OUT_POSTGRES is '$pg_kind'; use auto, debian or embedded" ;;
esac
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [[ -z "${SLUICE_DATABASE_URL:-}" && "$pg_kind" == debian ]]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the package's postgres user when the script runs as root
  say "Starting a throwaway cluster of Debian's PostgreSQL ($pg_bin) in $work/pg (set SLUICE_DATABASE_URL to use your own)"
  mkdir -p "$work/pg" && chmod 755 "$work"
  [[ "$(id -u)" == 0 ]] && chown postgres "$work/pg"
  as_pg "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >"$work/pg-init.log" 2>&1 || fail "initdb failed: $(tail -3 "$work/pg-init.log")"
  # a free port below the kernel's ephemeral range (where outgoing connections take theirs, so a port free a moment
  # ago may be taken when PostgreSQL binds); tried again on another port if the bind fails all the same
  ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [[ "$ephemeral_low" -gt 16000 ]] || ephemeral_low=32768
  started=
  for attempt in 1 2 3; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do # a port nothing listens on
      pg_port=$((15000 + RANDOM % (ephemeral_low - 15000)))
      (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null || break
    done
    if as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
        -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work/pg -c max_connections=200 -c fsync=off" start >"$work/pg-start.log" 2>&1; then
      started=1
      break
    fi
    say "PostgreSQL did not start on port $pg_port (attempt $attempt): $(tail -1 "$work/pg/server.log" 2>/dev/null)"
  done
  [[ -n "$started" ]] || fail "PostgreSQL did not start: $(tail -3 "$work/pg/server.log" 2>/dev/null)"
  pg_stop="$pg_bin/pg_ctl -D $work/pg/data -m immediate stop"
  export SLUICE_DATABASE_URL="jdbc:postgresql://127.0.0.1:$pg_port/postgres"
  export SLUICE_DATABASE_USER=postgres
elif [[ -z "${SLUICE_DATABASE_URL:-}" ]]; then
  say "Starting an embedded PostgreSQL (set SLUICE_DATABASE_URL to use your own)"
  cp="${SCALE_OUT_CLASSPATH:-}"
  if [[ -z "$cp" ]]; then
    [[ -f examples/target/classpath.txt ]] || fail "examples/target/classpath.txt is missing: run without SCALE_OUT_NO_BUILD"
    cp="$app:$(cat examples/target/classpath.txt)"
  fi
  exec {pg_in}< <(exec sleep 100000 2>/dev/null)
  pids+=($!)
  "$JAVA_HOME/bin/java" -cp "$cp" dev.sluice.examples.scaleout.EmbeddedPostgresMain <&"$pg_in" >"$work/pg.out" 2>"$work/pg.err" &
  pids+=($!)
  wait_for 60 "PostgreSQL" grep -q '^URL=' "$work/pg.out"
  export SLUICE_DATABASE_URL="$(sed -n 's/^URL=//p' "$work/pg.out")"
  export SLUICE_DATABASE_USER=postgres
fi
echo "database: $SLUICE_DATABASE_URL"

say "Starting 3 workers serving the same deployments (sluice worker start --jar $(basename "$app"))"
declare -A worker_pid
# shorter: a killed worker is taken for dead after 5 missed heartbeats of 1 s, not of 2 s (the default)
beat=(); [[ -n "$short" ]] && beat=(--heartbeat 1s --missed-heartbeats 5)
for w in w1 w2 w3; do
  "$sluice" worker start --jar "$app" --name "$w" --threads 4 ${beat[@]+"${beat[@]}"} >"$work/$w.log" 2>&1 &
  worker_pid[$w]=$!
  pids+=($!)
done
live_workers() { [[ "$("$sluice" worker ls | grep -c ' live ')" -ge "$1" ]]; }
wait_for 90 "3 live workers" live_workers 3
"$sluice" worker ls

say "Starting the dashboard (sluice server start --port $port)"
"$sluice" server start --port "$port" >"$work/server.log" 2>&1 &
pids+=($!)
wait_for 60 "the dashboard" grep -q 'dashboard at' "$work/server.log"
grep 'dashboard at' "$work/server.log"

say "Deployments, registered once by whichever worker came first"
"$sluice" deployments ls

# long enough that the first runs still go on when the last is triggered (each trigger is a JVM start, seconds on a
# loaded machine) and when a worker is killed below
seconds=30; [[ -n "$short" ]] && seconds=25
say "6 runs of slow-report ($seconds s each): they spread over the workers"
# triggered side by side: one after the other, six JVM starts on a loaded machine take so long that the first runs
# end before the last one starts
triggers=()
for i in 1 2 3 4 5 6; do
  "$sluice" deployments run slow-report -p seconds="$seconds" >"$work/trigger-$i.log" 2>&1 &
  triggers+=($!)
done
for t in "${triggers[@]}"; do wait "$t" || fail "triggering a run of slow-report failed: $(cat "$work"/trigger-*.log)"; done
running_on_two() {
  local table; table="$("$sluice" deployments runs slow-report --limit 6)"
  [[ "$(echo "$table" | grep -c RUNNING)" -ge 3 && "$(echo "$table" | grep RUNNING | grep -o -w 'w[123]' | sort -u | wc -l)" -ge 2 ]]
}
wait_for 60 "runs going on two workers or more" running_on_two
"$sluice" deployments runs slow-report --limit 6
spread="$("$sluice" deployments runs slow-report --limit 6 | grep RUNNING | grep -o -w 'w[123]' | sort -u | wc -l)"
[[ "$spread" -ge 2 ]] || fail "the 6 runs ran on $spread worker(s), not spread"

victim="$("$sluice" deployments runs slow-report --limit 6 | grep RUNNING | grep -o -w 'w[123]' | head -1)"
say "kill -9 $victim (pid ${worker_pid[$victim]}) in the middle of its runs"
kill -9 "${worker_pid[$victim]}"
killed_at=$(date +%s)
crashed() { "$sluice" deployments runs slow-report --limit 6 | grep -q CRASHED; }
wait_for 40 "the killed worker's runs to be marked CRASHED" crashed
took=$(( $(date +%s) - killed_at ))
"$sluice" deployments runs slow-report --limit 6
echo "marked CRASHED ${took}s after the kill (the others go on)"
[[ "$took" -le 30 ]] || fail "crash marking took ${took}s (more than 30 s)"

hours=36; [[ -n "$short" ]] && hours=30
# while the other workers' slow-report runs go on (their last seconds): that they finish is checked after it
say "Backfill hourly-report over the last $hours hours: one run per slot, spread over the 2 workers left"
"$sluice" deployments backfill hourly-report --from "${hours}h"
done_backfill() { [[ "$("$sluice" deployments runs hourly-report --limit 100 | grep BACKFILL | grep -c COMPLETED)" -ge "$hours" ]]; }
wait_for 120 "the backfill to complete" done_backfill
"$sluice" deployments runs hourly-report --limit "$hours"
by="$("$sluice" deployments runs hourly-report --limit 100 | grep BACKFILL | grep COMPLETED | grep -o -w 'w[123]' | sort | uniq -c | tr -s ' ')"
echo "backfill runs per worker:$(echo "$by" | tr '\n' ';')"
[[ "$(echo "$by" | wc -l)" -ge 2 ]] || fail "the backfill ran on one worker only"
echo "$by" | grep -q " $victim\$" && fail "the killed worker $victim ran backfill runs"
wait_for 90 "the other slow-report runs to finish" bash -c "! '$sluice' deployments runs slow-report --limit 6 | grep -q RUNNING"
"$sluice" deployments runs slow-report --limit 6
"$sluice" worker ls --all

say "The run history: the killed worker's flow runs are CRASHED there too"
crashed_in_history() { [[ "$("$sluice" runs ls --state CRASHED | grep -c slow-report)" -ge 1 ]]; }
wait_for 60 "CRASHED flow runs in the run history" crashed_in_history
"$sluice" runs ls --state CRASHED
say "Done: everything started here is stopped now"
