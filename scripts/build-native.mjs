#!/usr/bin/env node
// Builds the addon with node-gyp, offline: headers come from the running
// Node's own install prefix (<prefix>/include/node), never from a download.
//
//   node scripts/build-native.mjs               rebuild build/Release/fastaug.node
//   node scripts/build-native.mjs --if-missing  npm's install step: skip when a prebuild
//                                                (prebuilds/, shipped in the package) or a
//                                                build of this version already loads, unless
//                                                asked to build from source
//                                                (npm install --build-from-source, or
//                                                FASTAUG_BUILD_FROM_SOURCE=1); a failed build
//                                                warns (the js backend still works)
//   node scripts/build-native.mjs --prebuild    the prebuilds: see scripts/prebuild.mjs
//   extra args after -- go to node-gyp (e.g. -- --debug)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const passThrough = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];

function nodeHeadersDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && existsSync(path.join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  return null;
}

function nodeGypScript() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp || null;  // npm's bundled copy during install
  }
}

/** Why no prebuild or build of this version loads here, or null when one does. */
function whyNoAddon() {
  try {
    const addon = require('node-gyp-build')(root);
    const version = require(path.join(root, 'package.json')).version;
    return addon.version === version ? null : `the addon found is from fastaug ${addon.version}`;
  } catch (error) {
    return String(error?.message ?? error).split('\n')[0];
  }
}

/** Asked to compile even where a prebuild fits: npm install --build-from-source, or FASTAUG_BUILD_FROM_SOURCE. */
function fromSourceRequested() {
  const npmFlag = process.env.npm_config_build_from_source;
  const own = process.env.FASTAUG_BUILD_FROM_SOURCE;
  if (own && own !== '0' && own !== 'false') return 'FASTAUG_BUILD_FROM_SOURCE';
  if (npmFlag === 'true' || npmFlag === 'fastaug') return '--build-from-source';
  return null;
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

function main() {
  const ifMissing = args.includes('--if-missing');
  if (args.includes('--prebuild')) {
    return spawnSync(process.execPath, [path.join(root, 'scripts', 'prebuild.mjs'), ...passThrough], { stdio: 'inherit' }).status ?? 1;
  }
  if (ifMissing && process.env.FASTAUG_SKIP_BUILD) return 0;
  if (ifMissing) {
    const asked = fromSourceRequested();
    const why = asked ? null : whyNoAddon();
    if (!asked && !why) return 0;
    console.log(asked
      ? `fastaug: building the addon from source (${asked}), compiling (about a minute)…`
      : `fastaug: no prebuilt addon for ${process.platform}-${process.arch}, compiling (about a minute)…`);
  }
  const nodedir = nodeHeadersDir();
  const gyp = nodeGypScript();
  const problem = !nodedir
    ? `no Node headers under ${path.resolve(path.dirname(process.execPath), '..')}/include/node (install your distribution's Node development headers, e.g. Debian's libnode-dev)`
    : !gyp
      ? 'node-gyp is not installed'
      : null;
  let ok = !problem;
  if (ok) {
    ok = run(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '-j', 'max', ...passThrough]);
  }
  if (ok) return 0;
  const why = problem ?? 'the native build failed (see above)';
  if (ifMissing) {
    console.warn(`fastaug: ${why}; the pure-TypeScript backend will be used (same results, slower).`);
    return 0;
  }
  console.error(`fastaug: ${why}`);
  return 1;
}

process.exitCode = main();
