#!/usr/bin/env bash
# Bench commands behind docs/benchmarks.md. Usage: bash scripts/bench.sh scheduler [--jobs N] [--rounds N] [--kills N] [--Scheduling:Key=value …]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh >/dev/null
dotnet build MlopsPortal.sln -c Release -nologo -v quiet
source scripts/lib/postgres.sh
dotnet tests/MlopsPortal.Benchmarks/bin/Release/net10.0/MlopsPortal.Benchmarks.dll "$@"
