#!/usr/bin/env bash
# Runs every test: the .NET suites, then the conformance suite (HubSpot's Node SDK against the emulator).
# Ends with one line "Total: N passed, N failed" and a non-zero exit when anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

passed=0; failed=0; status=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

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
