#!/usr/bin/env bash
# Second README command: every test — unit, bUnit, integration on SQLite and on a real PostgreSQL
# (a private cluster started here on 127.0.0.1), and Playwright e2e in Debian's Chromium.
# Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/prerequisites.sh

echo "Building (warnings are errors)…"
dotnet build MlopsPortal.sln -c Release -nologo -v quiet

# Playwright drives Debian's Chromium (browser downloads are impossible here): the majors must match.
browsers_json=e2e/MlopsPortal.E2E/bin/Release/net10.0/.playwright/package/browsers.json
expected=$(python3 -c 'import json,sys; print(next(b["browserVersion"] for b in json.load(open(sys.argv[1]))["browsers"] if b["name"]=="chromium"))' "$browsers_json")
chromium_version=$("${MLOPS_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1 || true)
if [ "${chromium_version%%.*}" != "${expected%%.*}" ]; then
  echo "Debian's Chromium is '${chromium_version:-missing}' but Playwright expects $expected: upgrade the two together (docs/operations.md)." >&2
  exit 1
fi
echo "Chromium $chromium_version matches Playwright's expected major (${expected})."

# A private PostgreSQL cluster for this run, stopped on exit.
source scripts/lib/postgres.sh

results="$root/.test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
dotnet test MlopsPortal.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

# The plain summary line CI reads, counted from the TRX files.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout"))
    skipped += int(c.get("notExecuted"))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
