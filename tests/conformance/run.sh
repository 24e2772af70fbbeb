#!/usr/bin/env bash
# Conformance suite: HubSpot's official Node SDK (@hubspot/api-client, pinned in package.json) runs an integration's
# everyday flows against the Spoke emulator.
#
# Builds the CLI (incremental), starts `spoke emulator` on a free loopback port with a token made up for this run,
# runs suite/*.test.mjs with node's test runner, stops the emulator, and ends with the line "N passed, N failed".
# Exits non-zero when a case failed or the emulator could not be started.
#
#   tests/conformance/run.sh                 # everything
#   tests/conformance/run.sh suite/errors.test.mjs   # one file (paths relative to tests/conformance)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
emulator_pid=""

stop_emulator() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    # The emulator runs in its own process group (setsid): end the group, politely first.
    kill -TERM -- "-$emulator_pid" 2>/dev/null || kill -TERM "$emulator_pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$emulator_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$emulator_pid" 2>/dev/null || true
  fi
  emulator_pid=""
}
cleanup() {
  stop_emulator
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() { # passed failed
  echo "$1 passed, $2 failed"
}

# 1. Node 20+ (node:test with --test-concurrency, mock timers) and the SDK. CI installs it with `npm ci`; do the same here when it is missing.
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "Node 20 or later is required (found: $(node --version 2>/dev/null || echo none))"; summary 0 1; exit 1
fi
if [ ! -d "$here/node_modules/@hubspot/api-client" ]; then
  echo "== installing the pinned SDK (npm ci)"
  if ! (cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error); then
    echo "npm ci failed"; summary 0 1; exit 1
  fi
fi

# 2. The emulator: build the CLI once (incremental), then run its dll directly.
echo "== building src/Spoke.Cli (Release)"
if ! timeout 600 dotnet build "$root/src/Spoke.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  cat "$work/build.log"; echo "build failed"; summary 0 1; exit 1
fi
dll="$root/src/Spoke.Cli/bin/Release/net10.0/Spoke.Cli.dll"
[ -f "$dll" ] || { echo "no $dll after the build"; summary 0 1; exit 1; }

# A token made up for this run, shaped like a private-app token; it is never printed.
token="pat-na1-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
# The app's identity for the webhooks cases: a client secret (signs deliveries) and developer key made up here too.
app_id="$(( 100000 + $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') ))"
client_secret="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
developer_api_key="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
setsid dotnet "$dll" emulator --port 0 --token "$token" --app-id "$app_id" --client-secret "$client_secret" \
  --developer-api-key "$developer_api_key" >"$work/emulator.log" 2>&1 < /dev/null &
emulator_pid=$!

url=""
for _ in $(seq 1 300); do # at most 30 s
  url="$(sed -nE 's#^HubSpot emulator listening on (http://[^ ]+)$#\1#p' "$work/emulator.log" | head -n 1)"
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the emulator did not start:"; cat "$work/emulator.log"; summary 0 1; exit 1
fi
echo "== emulator on $url"

# 3. The suite, one file at a time (cases share one emulator and reset it), bounded in time.
export SPOKE_EMULATOR_URL="$url" SPOKE_EMULATOR_TOKEN="$token" SPOKE_EMULATOR_APP_ID="$app_id" \
  SPOKE_EMULATOR_CLIENT_SECRET="$client_secret" SPOKE_EMULATOR_DEVELOPER_API_KEY="$developer_api_key"
cd "$here"
if [ "$#" -gt 0 ]; then files=("$@"); else files=(suite/*.test.mjs); fi
timeout 180 node --test --test-concurrency=1 --test-timeout=30000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$work/results.tap" \
  "${files[@]}"
node_rc=$?
unset SPOKE_EMULATOR_TOKEN SPOKE_EMULATOR_CLIENT_SECRET SPOKE_EMULATOR_DEVELOPER_API_KEY
stop_emulator

count() { sed -nE "s/^# $1 ([0-9]+)$/\\1/p" "$work/results.tap" | tail -n 1; }
passed="$(count pass)"; failed="$(count fail)"; cancelled="$(count cancelled)"; skipped="$(count skipped)"
passed="${passed:-0}"; failed=$(( ${failed:-0} + ${cancelled:-0} ))
if [ "$node_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "node's test runner exited with $node_rc"; failed=1
fi
if [ "${skipped:-0}" -gt 0 ]; then echo "($skipped skipped)"; fi
summary "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
