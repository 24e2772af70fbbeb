#!/usr/bin/env bash
# Runs every test: the .NET suites, then the conformance suite (HubSpot's Node SDK against the emulator).
# Ends with one line "Total: N passed, N failed" and a non-zero exit when anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

passed=0; failed=0; status=0
log="$(mktemp)"
pgdata=""
cleanup() {
  rm -f "$log"
  if [ -n "$pgdata" ]; then
    $pgrun "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdata"
  fi
}
trap cleanup EXIT

# The PostgreSQL tests (webhook inbox, sync mirror store) need a server: SPOKE_TEST_POSTGRES (a connection string), or a
# throwaway one started here (trust auth, 127.0.0.1 on a free port, a temp data directory) and stopped at exit. The sync
# store tests create and drop a database of their own per test on it.
if [ -z "${SPOKE_TEST_POSTGRES:-}" ]; then
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "PostgreSQL is needed for the webhook inbox and sync store tests: apt-get install -y postgresql, or set SPOKE_TEST_POSTGRES"; exit 1
  fi
  pgdata="$(mktemp -d /tmp/spoke-pg.XXXXXX)"
  pgrun=""
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$pgdata"; pgrun="runuser -u postgres --"; fi
  # A free port: random in 20000-59999, skipping any that already accepts connections.
  for _ in $(seq 1 50); do
    pgport=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null || break
  done
  $pgrun "$pgbin/initdb" -D "$pgdata" -A trust -U postgres --no-sync >/dev/null || { echo "initdb failed"; exit 1; }
  $pgrun "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
    -o "-p $pgport -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || { cat "$pgdata/server.log"; exit 1; }
  export SPOKE_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
  echo "== throwaway PostgreSQL on 127.0.0.1:$pgport"
fi

echo "== .NET tests"
results="$root/.artifacts/test-results"
rm -rf "$results"
dotnet build Spoke.slnx -c Release --nologo -v quiet -clp:ErrorsOnly || exit 1
# Failures print in full on the console; the counts come from the TRX files (one per test assembly).
dotnet test Spoke.slnx -c Release --no-build --nologo -v quiet \
  --logger "console;verbosity=minimal" --logger "trx" --results-directory "$results" || status=1
shopt -s nullglob
trx=("$results"/*.trx)
if [ ${#trx[@]} -eq 0 ]; then echo "no .NET test results found"; status=1; fi
for f in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(echo "$counters" | sed -E 's/.* passed="([0-9]+)".*/\1/')
  fl=$(echo "$counters" | sed -E 's/.* failed="([0-9]+)".*/\1/')
  passed=$((passed + p)); failed=$((failed + fl))
done
echo ".NET: $passed passed, $failed failed"

echo "== conformance (official @hubspot/api-client against the emulator)"
if [ -x tests/conformance/run.sh ]; then
  tests/conformance/run.sh | tee "$log"
  conf_rc=${PIPESTATUS[0]}
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed.*/\1/')
    passed=$((passed + p)); failed=$((failed + f))
  else
    echo "conformance printed no summary"; status=1
  fi
  if [ "$conf_rc" -ne 0 ]; then status=1; fi
fi

echo "Total: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
