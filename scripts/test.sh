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
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=$(mktemp -d /tmp/mlops-pg-XXXXXX)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg_dir"; as_pg=(runuser -u postgres --); fi
stop_pg() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pg_dir -c max_connections=300 -c fsync=off" start >/dev/null
export MLOPS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

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
