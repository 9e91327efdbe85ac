#!/usr/bin/env bash
# Installs the system packages imrdesk needs to build, test and open its window
# on a fresh Debian machine. Idempotent: it installs only what is missing.
set -euo pipefail

packages=(
  # build: the windowing crates link against these
  pkg-config libwayland-dev libxkbcommon-dev libx11-dev
  # run: X11/Wayland client libraries and OpenGL on Mesa (software when no GPU)
  libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libegl1 libgl1 libgl1-mesa-dri
  # tests/ui_snapshots.rs renders with wgpu on Mesa's software Vulkan (lavapipe)
  mesa-vulkan-drivers libvulkan1
  # a virtual display for the window on machines without one, and screenshots
  xvfb xauth imagemagick x11-utils
  # reading exported PDFs back in checks and screenshots
  poppler-utils
  # tests/no_network.rs traces the binary's socket calls
  strace
  # OCR of scanned records: Tesseract with English, Poppler's pdftoppm (above) rasterizes
  tesseract-ocr tesseract-ocr-eng
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "imrdesk setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "imrdesk setup: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi
