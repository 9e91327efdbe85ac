#!/usr/bin/env bash
# Screenshots of each main view of the real workstation window, under Xvfb.
#
#   scripts/screenshots.sh [OUT_DIR]        (default: target/screenshots)
#
# Builds the debug binary, then for each view starts `imrdesk` on the demo
# case with IMRDESK_VIEW=<view> (the app sets that view up itself), waits
# for the window to settle, grabs the X screen with ImageMagick's `import`
# and closes the app. Needs xvfb-run, xauth and imagemagick (scripts/setup.sh
# installs them). Layout and settings go to a throw-away XDG_DATA_HOME so
# your own saved layout is neither used nor changed.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${1:-target/screenshots}"
mkdir -p "$OUT"
WAIT="${IMRDESK_SHOT_WAIT:-6}"
SIZE="${IMRDESK_SHOT_SIZE:-1440x900}"
VIEWS="${IMRDESK_SHOT_VIEWS:-checklist documents timeline decision override letter finalized training presentation dark library}"
LIBRARY="${IMRDESK_LIBRARY:-../shared/corpus/dev}"

for tool in xvfb-run import; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/setup.sh" >&2; exit 1; }
done

cargo build --quiet --bin imrdesk
BIN="$(pwd)/target/debug/imrdesk"

for view in $VIEWS; do
    data="$(mktemp -d)"
    png="$(realpath "$OUT")/$view.png"
    echo "view $view -> $png"
    XDG_DATA_HOME="$data" IMRDESK_VIEW="$view" IMRDESK_LIBRARY="$LIBRARY" \
    xvfb-run --auto-servernum --server-args="-screen 0 ${SIZE}x24" \
        bash -c '
            "$0" &
            pid=$!
            sleep "$1"
            import -window root "$2"
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        ' "$BIN" "$WAIT" "$png"
    rm -rf "$data"
done
echo "screenshots in $OUT"
