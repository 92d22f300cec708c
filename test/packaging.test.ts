// The package as users get it: ESM and CommonJS entry points (the built
// dist/, by self-reference), backend and ISA selection through the
// environment, worker threads, the addon's link dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import nodeGypBuild from 'node-gyp-build';

import { addonMismatch, ADDON_FUNCTIONS, loadNative } from '../src/backends/native.js';

const root = path.resolve(__dirname, '..');
const native = loadNative();

/** The environment of a user's process: none of the test run's overrides (the sanitizer run sets them). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['FASTAUG_BACKEND', 'FASTAUG_ISA', 'FASTAUG_NATIVE_PATH', 'LD_PRELOAD', 'ASAN_OPTIONS', 'UBSAN_OPTIONS']) delete env[name];
  return env;
}

function nodeEval(code: string, env: Record<string, string> = {}, type: 'commonjs' | 'module' = 'commonjs'): { status: number | null; stdout: string; stderr: string } {
  const args = type === 'module' ? ['--input-type=module', '-e', code] : ['-e', code];
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...cleanEnv(), ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('entry points', () => {
  it('dist is built (npm test builds it first)', () => {
    expect(existsSync(path.join(root, 'dist/cjs/index.js'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/esm/index.mjs'))).toBe(true);
  });

  it('require and import give the same functions and the same numbers', () => {
    const cjs = nodeEval("const f = require('fastaug'); console.log(JSON.stringify([...f.randomNormal(6, { seed: 3, index: 1 })]))");
    const esm = nodeEval("import { randomNormal } from 'fastaug'; console.log(JSON.stringify([...randomNormal(6, { seed: 3, index: 1 })]))", {}, 'module');
    expect(cjs.stderr).toBe('');
    expect(esm.stderr).toBe('');
    expect(JSON.parse(esm.stdout)).toEqual(JSON.parse(cjs.stdout));
    const same = nodeEval("import { createRequire } from 'node:module'; import * as m from 'fastaug'; const c = createRequire(import.meta.url)('fastaug'); console.log(m.randomNormal === c.randomNormal && Object.keys(c).every((k) => k in m))", {}, 'module');
    expect(same.stdout).toBe('true');
  });

  it('importing fastaug never loads TensorFlow.js', () => {
    const r = nodeEval("require('fastaug').randomNormal(4); console.log(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length)");
    expect(r.stdout).toBe('0');
  });
});

describe('backend selection through the environment', () => {
  const info = (env: Record<string, string>) => nodeEval("console.log(JSON.stringify(require('fastaug').backendInfo()))", env);

  it('FASTAUG_BACKEND=js forces the TypeScript backend and says so', () => {
    const r = JSON.parse(info({ FASTAUG_BACKEND: 'js' }).stdout);
    expect(r).toMatchObject({ backend: 'js', isa: 'js', nativeUnavailable: 'FASTAUG_BACKEND=js' });
    expect(r.threads).toBeGreaterThanOrEqual(1);
    expect(r.version).toBe(JSON.parse(execFileSync('node', ['-p', "JSON.stringify(require('./package.json'))"], { cwd: root, encoding: 'utf8' })).version);
  });

  it('a misspelt FASTAUG_BACKEND or FASTAUG_ISA is an error, not a silent fallback', () => {
    expect(info({ FASTAUG_BACKEND: 'gpu' }).stderr).toContain("FASTAUG_BACKEND must be 'js' or 'native'; got 'gpu'");
    if (native.addon) expect(info({ FASTAUG_ISA: 'avx3' }).stderr).toContain("FASTAUG_ISA must be one of avx512, avx2, sse4, neon, scalar; got 'avx3'");
    // whatever the backend: a typo under FASTAUG_BACKEND=js would otherwise go unnoticed until it mattered
    expect(info({ FASTAUG_BACKEND: 'js', FASTAUG_ISA: 'avx3' }).stderr).toContain("FASTAUG_ISA must be one of avx512, avx2, sse4, neon, scalar; got 'avx3'");
  });

  it('an addon named by FASTAUG_NATIVE_PATH that does not load is an error, not a fallback to js', () => {
    const missing = path.join(os.tmpdir(), 'fastaug-no-such-addon.node');
    const r = info({ FASTAUG_NATIVE_PATH: missing });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`FASTAUG_NATIVE_PATH=${missing} but the addon ${missing} named by FASTAUG_NATIVE_PATH did not load (Cannot find module`);
  });

  it.skipIf(!native.addon)('FASTAUG_ISA caps the ISA at each level this CPU has', () => {
    const isas = native.addon!.isas();
    for (const isa of isas) expect(JSON.parse(info({ FASTAUG_ISA: isa }).stdout)).toMatchObject({ backend: 'native', isa, isas });
    expect(JSON.parse(info({}).stdout).isa).toBe(isas[0]);
  });

  it.skipIf(!native.addon)('the addon loads, and in a worker thread gives the same bytes', () => {
    const code = `
      const { Worker } = require('node:worker_threads');
      const f = require('fastaug');
      const main = Buffer.from(f.randomNormal(1000, { seed: 8 }).buffer).toString('hex');
      const w = new Worker("const f = require('fastaug'); require('node:worker_threads').parentPort.postMessage([f.backendInfo().backend, Buffer.from(f.randomNormal(1000, { seed: 8 }).buffer).toString('hex')])", { eval: true });
      w.on('message', ([backend, hex]) => { console.log(backend, hex === main); w.terminate(); });`;
    const r = nodeEval(code);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('native true');
  });
});

describe('the built addon', () => {
  it('a stale addon (another version, or missing functions) is refused with the reason', () => {
    const complete = Object.fromEntries(ADDON_FUNCTIONS.map((name) => [name, () => undefined]));
    expect(addonMismatch({ ...complete, version: '1.2.3' }, '1.2.3')).toBeUndefined();
    expect(addonMismatch({ ...complete, version: '1.2.2' }, '1.2.3')).toBe('it is from fastaug 1.2.2, this is 1.2.3');
    expect(addonMismatch({ ...complete, shift: undefined, noise: 1, version: '1.2.3' }, '1.2.3')).toBe('it lacks shift, noise');
    if (native.addon) expect(addonMismatch(native.addon, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version)).toBeUndefined();
  });

  it.skipIf(!existsSync(path.join(root, 'prebuilds')))('a prebuild under prebuilds/ is loaded where there is no local build', () => {
    // a copy of the package without build/: node-gyp-build must fall back to prebuilds/
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fastaug-prebuild-'));
    try {
      cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
      cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
      cpSync(path.join(root, 'prebuilds'), path.join(dir, 'prebuilds'), { recursive: true });
      symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
      const r = spawnSync(process.execPath, ['-e', `const f = require(${JSON.stringify(dir)}); console.log(f.backendInfo().backend, require('node-gyp-build').resolve(${JSON.stringify(dir)}).includes('prebuilds'))`], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('native true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('native backend is available in this checkout (CI builds it)', () => {
    expect(native.error).toBeUndefined();
  });

  it.skipIf(process.platform !== 'linux' || !native.addon)('links only libc, libm, libstdc++ and libgcc_s', () => {
    // the file the loader picks: FASTAUG_NATIVE_PATH, else node-gyp-build's choice (prebuild or build/)
    const file = process.env.FASTAUG_NATIVE_PATH ?? (nodeGypBuild as unknown as { resolve(dir: string): string }).resolve(root);
    const libs = execFileSync('ldd', [file], { encoding: 'utf8', env: cleanEnv() })
      .split('\n').map((line) => line.trim().split(/\s+/)[0]!).filter((name) => name !== '');
    const allowed = /^(linux-vdso\.so\.1|\/lib64\/ld-linux-x86-64\.so\.2|\/lib\/ld-linux-aarch64\.so\.1|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libasan\.so\.\d+|libubsan\.so\.\d+)$/;
    expect(libs.filter((name) => !allowed.test(name))).toEqual([]);
  });
});

describe('type declarations, as a TypeScript user resolves them', () => {
  // node10 is TypeScript's default resolution for "module": "commonjs", and
  // it ignores "exports": fastaug/tfjs then needs package.json typesVersions
  const source = [
    "import { randomNormal, type Batch } from 'fastaug';",
    "import { GaussianNoise, tensorToBatch } from 'fastaug/tfjs';",
    'const z: Float32Array = randomNormal(4, { seed: 1 });',
    'const b: Batch = { data: new Uint8Array(4), shape: [1, 2, 2, 1] };',
    'export const used = [z, b, GaussianNoise, tensorToBatch];',
    '// a misspelt option must be a type error, so the check below can fail',
    'export const typo = randomNormal(4, { sed: 1 });',
  ].join('\n');
  for (const resolution of ['node10', 'node16'] as const) {
    it(`fastaug and fastaug/tfjs resolve with moduleResolution ${resolution}`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'fastaug-types-'));
      try {
        mkdirSync(path.join(dir, 'node_modules'));
        symlinkSync(root, path.join(dir, 'node_modules', 'fastaug'));
        writeFileSync(path.join(dir, 'use.cts'), source);
        const module = resolution === 'node10' ? 'commonjs' : 'node16';
        const r = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', module,
          '--moduleResolution', resolution, '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(root, 'node_modules/@types'), 'use.cts'], { cwd: dir, encoding: 'utf8' });
        // the one error is the deliberate typo: both modules and their types resolved
        expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^use\.cts\(7,\d+\): error TS2561: .*'sed' does not exist in type 'RandomNormalOptions'/)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
