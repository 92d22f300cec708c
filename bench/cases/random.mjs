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

export default [streamCase('R1', 'randomUniform', 'uniforms'), streamCase('R2', 'randomNormal', 'normals')];
