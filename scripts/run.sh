#!/usr/bin/env bash
# Opens the imrdesk workstation (on the built-in demo case unless a file is given).
# Without a display it starts a virtual one, so the command works on a bare server too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --quiet
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "imrdesk: no display found; running on a virtual X display (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" target/release/imrdesk "$@"
fi
exec target/release/imrdesk "$@"
