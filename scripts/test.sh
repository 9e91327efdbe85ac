#!/usr/bin/env bash
# Runs every test of imrdesk (unit, corpus, UI) after installing what they need.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --all-targets "$@"
