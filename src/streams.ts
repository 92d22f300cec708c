// Stream ids (DESIGN §3): the fourth Philox counter word of every draw. Each
// op and purpose has its own; no two share one. Public: listed in README.md.
export const STREAM = {
  randomUniform: 1,
  randomNormal: 2,
  /** shift: per-image offsets (words 0 and 1 of block 0) */
  shift: 16,
} as const;
