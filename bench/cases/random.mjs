// Element streams: 16.7 M samples (64 MiB of float32), DESIGN §10's size.
const N = 1 << 24;

const streamCase = (id, op, unit) => ({
  id,
  family: 'random',
  name: `${op} ${N} floats`,
  bytes: N * 4,
  items: N,
  unit,
  setup: () => ({ out: new Float32Array(N) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug[op](N, { seed: 1, out: ctx.out }) : fastaug[`${op}Async`](N, { seed: 1, out: ctx.out, threads }),
});

/**
 * Normals into a cache-resident 1 MiB buffer, 2^18 per call (index moved
 * along): the generator alone, without the memory traffic. The noise cases
 * of as many elements are measured against it (`vs`, the issue's "randomNormal
 * of the same length"); G1 has P1's count of normals (one per pixel).
 */
const CACHED = 1 << 18;
const cachedNormals = (id, count, what) => ({
  id,
  family: 'random',
  name: `randomNormal ${count} normals (${what}) into a 1 MiB buffer, ${CACHED} per call`,
  bytes: count * 4,
  items: count,
  unit: 'normals',
  oneThread: true,
  setup: () => ({ out: new Float32Array(CACHED) }),
  run: (fastaug, ctx) => {
    for (let index = 0; index < count; index += CACHED) fastaug.randomNormal(Math.min(CACHED, count - index), { seed: 1, index, out: ctx.out.subarray(0, Math.min(CACHED, count - index)) });
  },
});

export default [
  streamCase('R1', 'randomUniform', 'uniforms'),
  streamCase('R2', 'randomNormal', 'normals'),
  cachedNormals('G3', 64 * 224 * 224 * 3, "W3's and W4's count"),
  cachedNormals('G1', 64 * 224 * 224, "P1's count, one per pixel"),
];
