#!/usr/bin/env bash
# Installs what the portal and its tests need on Debian 12, idempotently. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3 python3-pandas chromium poppler-utils fonts-dejavu-core postgresql libxgboost0 libxgboost-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing Debian packages (first run only; a few minutes): ${missing[*]}"
  started=$SECONDS
  $SUDO apt-get update -q
  # Quiet, but one line per package so the first run shows it is moving.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}" | grep -E '^(Unpacking|Setting up) ' || true
  echo "Debian packages installed in $((SECONDS - started)) s."
fi

if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is required (global.json pins it): install it, then run this again." >&2
  exit 1
fi
echo "Restoring the local dotnet tools…"
dotnet tool restore >/dev/null
