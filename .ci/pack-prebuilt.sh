#!/usr/bin/env bash
# Packs mlwatch and its prebuilt platform package (@mlwatch/linux-x64-gnu, the addon in
# build/Release/), then proves that they install without a compiler: both tarballs into a fresh
# folder with --ignore-scripts (no build can run), and the cpu backend loads from the platform
# package. The main package's optionalDependencies name the platform package at its version; they
# are added when packing, so this repository's own `npm ci` needs nothing the registry lacks.
# Usage: bash .ci/pack-prebuilt.sh [OUT_DIR]   (after `npm ci`, which builds the addon and dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-$(mktemp -d)}")"
mkdir -p "$out"
version="$(node -p "require('./package.json').version")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# the platform package: the addon as built here, at the main package's version
cp -r npm/linux-x64-gnu "$stage/platform"
cp build/Release/mlwatch.node "$stage/platform/mlwatch.node"
node -e '
const fs = require("fs"), f = process.argv[1], p = JSON.parse(fs.readFileSync(f, "utf8"));
p.version = process.argv[2];
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");' "$stage/platform/package.json" "$version"
(cd "$stage/platform" && npm pack --silent --ignore-scripts --pack-destination "$out" >/dev/null)

# the main package, with the optional dependency on the platform package
npm pack --silent --pack-destination "$stage" >/dev/null
tar -xzf "$stage/mlwatch-$version.tgz" -C "$stage"
node -e '
const fs = require("fs"), f = process.argv[1], p = JSON.parse(fs.readFileSync(f, "utf8"));
p.optionalDependencies = { ...(p.optionalDependencies ?? {}), "@mlwatch/linux-x64-gnu": process.argv[2] };
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");' "$stage/package/package.json" "$version"
(cd "$stage/package" && npm pack --silent --ignore-scripts --pack-destination "$out" >/dev/null)
ls -l "$out"

# the proof: a fresh folder, no install scripts, and the cpu backend from the platform package
fresh="$(mktemp -d)"
(cd "$fresh" && npm init -y >/dev/null \
  && npm install --ignore-scripts --no-audit --no-fund "$out/mlwatch-$version.tgz" "$out/mlwatch-linux-x64-gnu-$version.tgz" >/dev/null)
test ! -e "$fresh/node_modules/mlwatch/build" || { echo "a build ran during the install"; exit 1; }
(cd "$fresh" && node --input-type=module -e '
import { backendInfo, columnStats, useBackend } from "mlwatch";
const info = backendInfo();
if (!info.backends.cpu.available || info.native.source !== "platform package") {
  console.error("the cpu backend did not load from the platform package:", JSON.stringify(info.native));
  process.exit(1);
}
useBackend("cpu");
const s = columnStats({ data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 });
if (s.mean[0] !== 2 || s.mean[1] !== 3) process.exit(1);
console.log(`cpu backend loaded from ${info.native.path} (${info.native.source}), ${info.backends.cpu.simd}, ${info.backends.cpu.threads} threads`);
')
rm -rf "$fresh"
