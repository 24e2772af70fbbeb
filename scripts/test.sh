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
dotnet build Spoke.slnx -c Release --nologo -v quiet -clp:ErrorsOnly || exit 1
dotnet test Spoke.slnx -c Release --no-build --nologo -v quiet \
  --logger "console;verbosity=normal" 2>&1 | tee "$log" | grep -E "^\s+Failed |^(Passed|Failed)!|error" || true
test_rc=${PIPESTATUS[0]}
# Sum the per-assembly summaries: "Passed!  - Failed:     0, Passed:    12, Skipped: ..."
while read -r f p; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+" "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+).*/\1 \2/')
if [ "$test_rc" -ne 0 ]; then status=1; fi
if ! grep -qE "^(Passed|Failed)! " "$log"; then echo "no .NET test summary found"; status=1; fi

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
