#!/usr/bin/env bash
# The GPU test suite (CI has no GPU). Publishes tests/MlopsPortal.GpuCheck self-contained and trimmed for linux-x64 into
# .gpu-check/ (a GPU machine needs only the NVIDIA driver and NVRTC: no .NET, no XGBoost), then runs it here unless
# --publish-only is given. It prints whether it ran on a GPU. On a GPU machine: .gpu-check/MlopsPortal.GpuCheck [options]
# Options: --rows 1000000,10000000 --trees 100,500,1000 --depth 8 --features 20 [--model MODEL.json] [--repeats N]
set -euo pipefail
cd "$(dirname "$0")/.."
publish_only=0
if [ "${1:-}" = "--publish-only" ]; then publish_only=1; shift; fi
dotnet publish tests/MlopsPortal.GpuCheck -c Release -r linux-x64 --self-contained -p:DebugType=none \
  -o .gpu-check -nologo -v quiet
echo "Published $(du -sh .gpu-check | cut -f1) to .gpu-check/."
[ "$publish_only" = 1 ] && exit 0
exec .gpu-check/MlopsPortal.GpuCheck "$@"
