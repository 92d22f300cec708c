// What an op hands a backend: validated, resolved parameters and the output
// array. Both backends implement this interface and must give the same bytes.

/** One element stream of DESIGN §3 with its float32 affine map out = offset + scale · sample. */
export interface StreamRequest {
  key0: number;
  key1: number;
  /** Global stream position of out[0] (a safe integer). */
  first: number;
  epoch: number;
  stream: number;
  /** float32 values (already rounded with Math.fround). */
  offset: number;
  scale: number;
}

export interface Backend {
  readonly name: 'native' | 'js';
  /** The ISA its kernels run on ('js' for the TypeScript backend). */
  readonly isa: string;
  philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void;
  randomUniform(out: Float32Array, request: StreamRequest): void;
  randomNormal(out: Float32Array, request: StreamRequest): void;
  /** One chunk of work off the calling thread (native: libuv pool; js: yields to the event loop). */
  randomUniformAsync(out: Float32Array, request: StreamRequest): Promise<void>;
  randomNormalAsync(out: Float32Array, request: StreamRequest): Promise<void>;
}
