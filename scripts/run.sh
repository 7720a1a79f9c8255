#!/usr/bin/env bash
# First README command: prerequisites, build, then the portal on http://localhost:5080 on SQLite,
# with one demo user per role (passwords printed at first start) and, on an empty database, the demo workspace built
# by the portal's own jobs (--demo). Data lives in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
echo "Building the portal in Release (the first build restores NuGet packages: a few minutes; later builds take seconds)…"
started=$SECONDS
# Minimal verbosity prints each project as it is built: progress, not noise.
dotnet build src/MlopsPortal.Web -c Release -nologo -v minimal -clp:NoSummary
echo "Built in $((SECONDS - started)) s. Starting the portal on http://localhost:5080 (the demo workspace builds in the background; the pages say how far it is)."
exec dotnet src/MlopsPortal.Web/bin/Release/net10.0/MlopsPortal.Web.dll serve --demo --data-dir ./data "$@"
