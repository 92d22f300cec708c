#!/usr/bin/env node
// Makes the N-API prebuilds the npm package ships (prebuildify's layout, so
// node-gyp-build finds them): prebuilds/linux-x64/fastaug.glibc.node and
// prebuilds/linux-arm64/fastaug.glibc.node, the arm64 one with Debian's cross
// compiler (g++-aarch64-linux-gnu). Each is built by prebuildify in its own
// staging copy of the sources (build-prebuild/<arch>/), so build/ is left alone.
//
//   node scripts/prebuild.mjs                 build both (npm run prebuild)
//   node scripts/prebuild.mjs --if-stale      prepack: only those missing or older than
//                                             binding.gyp, native/ or package.json
//   node scripts/prebuild.mjs --reuse-build   linux-x64 from build/Release (a fresh
//                                             `npm ci` build, same flags): CI, no second compile
//   --arch x64|arm64                          one target only
// On a host that is not linux-x64 it makes only the host's own prebuild.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const reuseBuild = args.includes('--reuse-build');
const only = args.includes('--arch') ? args[args.indexOf('--arch') + 1] : undefined;

const hostArch = os.arch();
const targets = (process.platform === 'linux' && hostArch === 'x64' ? ['x64', 'arm64'] : [hostArch]).filter((a) => !only || a === only);
const cross = { arm64: 'aarch64-linux-gnu-' };

const prebuildFile = (arch) => path.join(root, 'prebuilds', `${process.platform}-${arch}`, 'fastaug.glibc.node');

function newestInput() {
  let newest = 0;
  const visit = (file) => {
    const s = statSync(file);
    if (s.isDirectory()) for (const name of readdirSync(file)) visit(path.join(file, name));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const input of ['binding.gyp', 'native', 'package.json']) visit(path.join(root, input));
  return newest;
}

function run(command, commandArgs, options = {}) {
  const r = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function nodeHeadersDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  throw new Error(`no Node headers under ${prefix}/include/node`);
}

function build(arch) {
  const prefix = arch === hostArch ? '' : cross[arch];
  if (prefix === undefined) throw new Error(`no cross compiler known for ${arch}`);
  if (prefix && !hasCommand(`${prefix}g++`)) {
    throw new Error(`${prefix}g++ not found: install g++-aarch64-linux-gnu (bash scripts/cross-check-arm64.sh does, as root with apt), or run with --arch ${hostArch}`);
  }
  const stage = path.join(root, 'build-prebuild', arch);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const input of ['binding.gyp', 'package.json', 'native']) cpSync(path.join(root, input), path.join(stage, input), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'));
  const env = { ...process.env, npm_config_nodedir: nodeHeadersDir(), JOBS: 'max' };
  if (prefix) Object.assign(env, { CC: `${prefix}gcc`, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar` });
  run(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--tag-libc', '--strip', `--strip-bin=${prefix}strip`,
    `--arch=${arch}`, `--cwd=${stage}`, `--out=${root}`], { env });
}

function fromBuild(arch) {
  const built = path.join(root, 'build', 'Release', 'fastaug.node');
  if (!existsSync(built)) throw new Error(`--reuse-build: ${built} is missing (run npm ci or npm run build:native first)`);
  if (statSync(built).mtimeMs < newestInput()) throw new Error(`--reuse-build: ${built} is older than its sources`);
  mkdirSync(path.dirname(prebuildFile(arch)), { recursive: true });
  copyFileSync(built, prebuildFile(arch));
  run('strip', ['--strip-all', prebuildFile(arch)]);
}

try {
  for (const arch of targets) {
    const file = prebuildFile(arch);
    if (ifStale && existsSync(file) && statSync(file).mtimeMs >= newestInput()) {
      console.log(`prebuild: ${path.relative(root, file)} is up to date`);
      continue;
    }
    const t0 = Date.now();
    if (reuseBuild && arch === hostArch) fromBuild(arch);
    else build(arch);
    console.log(`prebuild: ${path.relative(root, file)} (${statSync(file).size} bytes, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
} catch (error) {
  console.error(`prebuild: ${error.message}`);
  process.exitCode = 1;
}
