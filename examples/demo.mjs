// npm run demo: which backend runs, then seeded noise with timings on each
// backend this machine has — the same bytes everywhere.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fastaug = require('fastaug');
const { availableBackends } = require('../dist/cjs/backends/select.js');

console.log('backendInfo():', fastaug.backendInfo());

const n = 1 << 24;
const digest = (a) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);

function timed(fn) {
  fn();
  let best = Infinity;
  for (let i = 0; i < 3; i += 1) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

console.log(`\n${n} seeded normals (seed 42), best of 3 per backend (js on 1/16 of them):`);
const request = { key0: 42, key1: 0, first: 0, epoch: 0, stream: fastaug.STREAM.randomNormal, offset: 0, scale: 1 };
for (const backend of availableBackends()) {
  const out = new Float32Array(backend.name === 'js' ? n / 16 : n);
  const ms = timed(() => backend.randomNormal(out, request));
  const label = backend.name === 'js' ? 'js' : `native/${backend.isa}`;
  const head = out.subarray(0, n / 16);
  console.log(`  ${label.padEnd(14)} ${(out.length / ms / 1e6).toFixed(3).padStart(7)} G normals/s   sha256 of the first ${head.length}: ${digest(head)}`);
}

const z = fastaug.randomNormal(n, { seed: 42 });
let mean = 0;
let sq = 0;
for (const v of z) { mean += v; sq += v * v; }
mean /= n;
console.log(`\nrandomNormal(${n}, { seed: 42 }): mean ${mean.toFixed(5)}, variance ${(sq / n - mean * mean).toFixed(5)}, first ${[...z.subarray(0, 4)].map((v) => v.toFixed(6)).join(' ')}`);
const parallel = await fastaug.randomNormalAsync(n, { seed: 42, threads: 2 });
console.log(`randomNormalAsync with 2 threads gives the same bytes: ${digest(parallel) === digest(z)}`);
const u = fastaug.randomUniform(4, { seed: 42, index: 8 });
console.log(`randomUniform(4, { seed: 42, index: 8 }): ${[...u].join(' ')}`);
