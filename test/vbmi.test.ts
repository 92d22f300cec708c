// The avx512 kernels with and without the AVX-512 VBMI ones (flip, uint8
// colour maps, contrast, gamma: native/isa/avx512vbmi.cc, swapped in by
// native/isa/dispatch.cc unless FASTAUG_VBMI=0). The addon picks once per
// process, so each setting runs in a child process over the same inputs and
// the two digests must agree. The conformance files check each against js
// in their own pass; this one makes an ordinary `npm test` on a VBMI CPU
// run the plain avx512 versions too. Elsewhere both children run the same
// kernels, and the test is cheap.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadNative } from '../src/backends/native.js';

const root = path.resolve(__dirname, '..');
const addon = loadNative().addon;
const hasAvx512 = addon !== undefined && addon.isas().includes('avx512');

// Every op and shape of the VBMI kernels' paths: rows shorter and longer
// than a 64-byte step, 1, 3 and 4 channels, both layouts, in place, tables
// that differ per channel and that do not, small planes (the arithmetic map).
const script = `
const fa = require(${JSON.stringify(path.join(root, 'dist/cjs/index.js'))});
const { createHash } = require('node:crypto');
const hash = createHash('sha256');
const add = (a) => hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const ramp = (n, Type) => Type.from({ length: n }, (_, i) => Type === Float32Array ? ((i * 37) % 255) / 255 : (i * 37 + (i >> 7)) & 255);
const shapes = [[2, 5, 7, 3], [2, 9, 21, 3], [2, 4, 22, 3], [2, 3, 64, 1], [2, 3, 65, 4], [3, 17, 224, 3], [2, 64, 70, 3], [2, 40, 40, 4], [2, 3, 30, 30]];
for (const shape of shapes) {
  const n = shape.reduce((a, b) => a * b, 1);
  const layout = shape[3] === 30 ? 'NCHW' : 'NHWC';
  const s = layout === 'NCHW' ? [shape[0], shape[1], shape[2], shape[3]] : shape;
  for (const Type of [Uint8Array, Float32Array]) {
    for (const opts of [{ horizontal: true }, { vertical: true }, { horizontal: true, vertical: true }]) {
      add(fa.flip({ data: ramp(n, Type), shape: s, layout }, opts).data);
      const inPlace = ramp(n, Type);
      fa.flip({ data: inPlace, shape: s, layout }, { ...opts, out: inPlace });
      add(inPlace);
    }
  }
  const u8 = ramp(n, Uint8Array);
  add(fa.brightness({ data: u8, shape: s, layout }, { factor: [0.5, 1.6], delta: [-60, 60], seed: 3 }).data);
  add(fa.contrast({ data: u8, shape: s, layout }, { factor: [0.3, 1.9], seed: 4 }).data);
  add(fa.contrast({ data: u8, shape: s, layout }, { factor: [0.3, 1.9], perChannel: false, seed: 5 }).data);
  add(fa.gamma({ data: u8, shape: s, layout }, { seed: 6 }).data);
}
console.log(fa.backendInfo().isa + ' ' + hash.digest('hex'));
`;

function digest(vbmi: string): string {
  const env = { ...process.env, FASTAUG_BACKEND: 'native', FASTAUG_ISA: 'avx512', FASTAUG_VBMI: vbmi };
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8' });
  expect(r.stderr.trim()).toBe('');
  return r.stdout.trim();
}

describe('AVX-512 VBMI kernels', () => {
  it.skipIf(!hasAvx512)('give the bytes of the plain avx512 kernels (FASTAUG_VBMI=0 against the default)', () => {
    const [plain, vbmi] = [digest('0'), digest('1')];
    expect(plain).toMatch(/^avx512 [0-9a-f]{64}$/);
    expect(vbmi).toBe(plain);
  });
});
