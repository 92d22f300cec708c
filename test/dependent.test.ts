// fastaug as a dependent project gets it: a copy of the built package (its
// package.json and dist/, no build/, no prebuilds/) under the project's
// node_modules, next to fastaug's runtime dependencies and without
// TensorFlow.js. The subpaths from ESM and CommonJS, and what a project
// without TF.js or without the addon sees.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { buildAdvice } from '../src/backends/native.js';
import { idxBytes as idx } from './helpers/idx.js';
import { tempDir } from './helpers/tempdir.js';

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

const project = tempDir('fastaug-dependent-');
mkdirSync(path.join(project, 'node_modules', 'fastaug'), { recursive: true });
cpSync(path.join(root, 'package.json'), path.join(project, 'node_modules', 'fastaug', 'package.json'));
cpSync(path.join(root, 'dist'), path.join(project, 'node_modules', 'fastaug', 'dist'), { recursive: true });
for (const name of Object.keys(manifest.dependencies)) symlinkSync(path.join(root, 'node_modules', name), path.join(project, 'node_modules', name));
writeFileSync(path.join(project, 'package.json'), '{ "name": "dependent", "private": true }\n');

/** Runs a script in the project, in the environment of a user's process (none of the test run's overrides). */
function run(code: string, type: 'commonjs' | 'module'): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  for (const name of ['FASTAUG_BACKEND', 'FASTAUG_ISA', 'FASTAUG_NATIVE_PATH', 'LD_PRELOAD', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'NODE_PATH']) delete env[name];
  const file = path.join(project, type === 'module' ? 'main.mjs' : 'main.cjs');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { cwd: project, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('a project without TensorFlow.js', () => {
  it('cannot resolve @tensorflow/tfjs-core (the premise of these tests)', () => {
    const r = run("try { require.resolve('@tensorflow/tfjs-core', { paths: [require.resolve('fastaug')] }); console.log('found') } catch { console.log('absent') }", 'commonjs');
    expect(r.stdout).toBe('absent');
  });

  it('can catch a failed import of fastaug/tfjs and carry on (ESM)', () => {
    const r = run([
      'let tfjs;',
      "try { tfjs = await import('fastaug/tfjs'); } catch (error) { console.log('caught:', error.message.split('\\n')[0]); }",
      "const { randomNormal } = await import('fastaug');",
      "console.log('carried on', tfjs === undefined, randomNormal(2).length);",
    ].join('\n'), 'module');
    expect(r.stdout).toBe("caught: Cannot find module '@tensorflow/tfjs-core'\ncarried on true 2");
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('can catch a failed require of fastaug/tfjs and carry on (CommonJS)', () => {
    const r = run([
      "try { require('fastaug/tfjs'); } catch (error) { console.log('caught:', error.message.split('\\n')[0]); }",
      "console.log('carried on', require('fastaug').randomNormal(2).length);",
    ].join('\n'), 'commonjs');
    expect(r.stdout).toBe("caught: Cannot find module '@tensorflow/tfjs-core'\ncarried on 2");
    expect(r.status).toBe(0);
  });
});

describe('fastaug/data', () => {
  // 3 images of 2×2 uint8 and their labels
  const data = path.join(project, 'data');
  mkdirSync(data);
  writeFileSync(path.join(data, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 252, 253, 254, 255])));
  writeFileSync(path.join(data, 'train-labels-idx1-ubyte'), idx([3], [9, 0, 4]));
  const expected = { n: 3, h: 2, w: 2, images: [0, 1, 2, 3, 10, 11, 12, 13, 252, 253, 254, 255], labels: [9, 0, 4], idxShape: [3], idx: [9, 0, 4] };
  const script = (head: string) => [
    head,
    "const d = loadImageDataset('data', 'train');",
    "const l = loadIdx('data/train-labels-idx1-ubyte');",
    'console.log(JSON.stringify({ n: d.n, h: d.h, w: d.w, images: [...d.images], labels: [...d.labels], idxShape: l.shape, idx: [...l.data] }));',
  ].join('\n');

  it('loadImageDataset and loadIdx from ESM', () => {
    const r = run(script("import { loadIdx, loadImageDataset } from 'fastaug/data';"), 'module');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('loadImageDataset and loadIdx from CommonJS', () => {
    const r = run(script("const { loadIdx, loadImageDataset } = require('fastaug/data');"), 'commonjs');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('loads neither the addon nor TensorFlow.js', () => {
    const r = run("require('fastaug/data'); console.log(Object.keys(require.cache).filter((k) => /fastaug\\.node|node-gyp-build|@tensorflow/.test(k)).length)", 'commonjs');
    expect(r.stdout).toBe('0');
  });
});

describe('a project where the addon is not built', () => {
  it('runs on the TypeScript backend, and nativeUnavailable gives the command that works from the project', () => {
    const r = run("console.log(JSON.stringify(require('fastaug').backendInfo()))", 'commonjs');
    const info = JSON.parse(r.stdout) as { backend: string; nativeUnavailable: string };
    expect(info.backend).toBe('js');
    expect(info.nativeUnavailable).toMatch(/^the native addon did not load \(.+\); fastaug ships prebuilt addons for linux-x64 and linux-arm64 \(glibc\); where none loads, compile one from your project with 'npm rebuild fastaug' \(needs g\+\+, make, python3 and Node headers; npm 12 and later run it only once approved: 'npm install-scripts approve fastaug'\)$/);
  });

  it("advises fastaug's own npm script only in fastaug's own checkout", () => {
    expect(buildAdvice(root)).toBe("build it with 'npm run build:native' (needs g++, make, python3 and Node headers)");
    expect(buildAdvice(path.join(project, 'node_modules', 'fastaug'))).toContain("'npm rebuild fastaug'");
  });
});
