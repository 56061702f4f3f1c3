#!/usr/bin/env bash
# Pack-install check: what a team gets from the registry. Packs every public workspace package with
# `pnpm pack` (which turns workspace:* into real versions), installs the tarballs together with npm into an
# empty folder outside the repository, and runs the CLI from there: --help, demo and simulate. A second
# folder gets @bg-replay/core alone, to show it imports without the AWS SDK and names the package that a
# cloudwatch:// read needs; a third gets @bg-replay/hooks alone, which brings only the SSM client and names
# the package (and the stacks-file key) a step needs.
#
#   scripts/check-pack-install.sh            # build (turbo cache), pack, install, run
#   KEEP=1 scripts/check-pack-install.sh     # keep the temp folder for a look
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH" TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
started=$SECONDS

tmp="$(mktemp -d "${TMPDIR:-/tmp}/bg-replay-pack.XXXXXX")"
case "$tmp" in "$root"/*) echo "pack-install: the temp folder $tmp is inside the repository" >&2; exit 1 ;; esac
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$tmp"' EXIT; else echo "pack-install: keeping $tmp"; fi
fail() { echo "pack-install: $*" >&2; exit 1; }

# Public packages: every workspace package.json without "private": true.
mapfile -t public < <(node -e '
  const fs = require("node:fs");
  for (const group of ["packages", "apps"])
    for (const dir of fs.readdirSync(group)) {
      const file = `${group}/${dir}/package.json`;
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
      if (manifest.private !== true) console.log(manifest.name);
    }')
[ "${#public[@]}" -gt 0 ] || fail "no public packages found"
echo "== pack-install: ${public[*]}"

filters=()
for name in "${public[@]}"; do filters+=("--filter=$name..."); done
turbo run build "${filters[@]}" --output-logs=errors-only >/dev/null

mkdir -p "$tmp/tarballs" "$tmp/app" "$tmp/core-only"
for name in "${public[@]}"; do
  pnpm --filter "$name" pack --pack-destination "$tmp/tarballs" >/dev/null
done
for tarball in "$tmp"/tarballs/*.tgz; do
  manifest="$(tar -xzOf "$tarball" package/package.json)"
  if grep -q '"workspace:' <<<"$manifest"; then fail "$(basename "$tarball") still has a workspace: range"; fi
  listing="$(tar -tzf "$tarball")"
  grep -qx 'package/README.md' <<<"$listing" || fail "$(basename "$tarball") has no README.md"
  echo "   $(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(wc -l <<<"$listing") files"
done

cd "$tmp/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tmp"/tarballs/*.tgz >/dev/null
echo "   installed in $(( SECONDS - started ))s"

echo "== npx bg-replay --help"
npx --no -- bg-replay --help | grep -q 'bg-replay <command>' || fail "--help did not print the usage"
version="$(npx --no -- bg-replay --version)"
expected="$(node -p 'require("@bg-replay/cli/package.json").version')"
[ "$version" = "$expected" ] || fail "--version printed '$version', expected $expected"

echo "== npx bg-replay demo"
npx --no -- bg-replay demo --report-json demo-report.json >demo.out || { cat demo.out; fail "demo failed"; }
node -e '
  const r = require("./demo-report.json");
  if (r.schemaVersion !== 1 || r.verdict !== "fail") { console.error("unexpected demo verdict", r.verdict); process.exit(1); }'

echo "== npx bg-replay simulate"
npx --no -- bg-replay simulate >simulate.out 2>&1 || { cat simulate.out; fail "simulate failed"; }
grep -q 'rolled back' simulate.out || { cat simulate.out; fail "simulate did not roll the failing deployment back"; }

echo "== @bg-replay/core alone (no AWS SDK)"
cd "$tmp/core-only"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tmp"/tarballs/bg-replay-core-*.tgz >/dev/null
[ ! -d node_modules/@aws-sdk ] || fail "installing @bg-replay/core alone brought the AWS SDK"
node --input-type=module -e '
  const core = await import("@bg-replay/core");
  if (typeof core.validate !== "function") throw new Error("no validate in @bg-replay/core");
  const { readCloudWatch } = await import("@bg-replay/core/cloudwatch");
  try {
    for await (const _ of readCloudWatch("/aws/x", { startTime: 0, endTime: 1 })) break;
    throw new Error("readCloudWatch ran without the SDK");
  } catch (error) {
    if (error.code !== "E_CONFIG" || !error.message.includes("npm i @aws-sdk/client-cloudwatch-logs")) throw error;
  }'

echo "== @bg-replay/hooks alone (SSM only; the other clients are optional peers)"
mkdir -p "$tmp/hooks-only"
cd "$tmp/hooks-only"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tmp"/tarballs/bg-replay-core-*.tgz "$tmp"/tarballs/bg-replay-hooks-*.tgz >/dev/null
[ -d node_modules/@aws-sdk/client-ssm ] || fail "installing @bg-replay/hooks did not bring the SSM client"
[ ! -d node_modules/@aws-sdk/client-sns ] || fail "installing @bg-replay/hooks brought an optional SDK client"
STACKS="$root/fixtures/stacks/catalog-lambda.yaml" node --input-type=module -e '
  const hooks = await import("@bg-replay/hooks");
  const only = await hooks.createHookClients(undefined, { region: "eu-west-1" });
  if (Object.keys(only).join() !== "ssm") throw new Error("without a stacks file, expected the SSM client only");
  const config = await hooks.loadStacksConfig(process.env.STACKS);
  try {
    await hooks.createHookClients(config, { region: "eu-west-1" });
    throw new Error("createHookClients built clients whose packages are not installed");
  } catch (error) {
    if (error.code !== "E_CONFIG" || !/stacks\.a\..* needs .* run `npm i @aws-sdk\/client-/.test(error.message)) throw error;
  }'

echo "== pack-install: ok in $(( SECONDS - started ))s"
