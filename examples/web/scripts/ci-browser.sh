#!/usr/bin/env bash
# CI for the browser: headless Chromium from Debian's `chromium` package (installed with apt when
# missing; never a downloaded browser), then the typecheck and the browser tests of examples/web
# (lora conformance in webgl2/webgpu/wasm, one LoRA step across backends, the packages' browser
# bundles, the demo page end to end). Run from anywhere, after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${KAIROS_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "ci-browser: $chromium is missing; installing Debian's chromium package" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
"$chromium" --version

npm run typecheck
npm run test:browser
