#!/usr/bin/env bash
# The one command that sets up a fresh machine and runs every test (README: "Test it").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-system-deps.sh
npm install --no-audit --no-fund
npm test
