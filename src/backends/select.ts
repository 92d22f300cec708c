// Picks the backend once, on first use: FASTAUG_BACKEND=js|native forces
// one; otherwise native when the addon loads, else js. FASTAUG_ISA caps the
// native ISA. FASTAUG_VBMI=0 keeps the addon's plain avx512 kernels on a CPU
// with AVX-512 VBMI (native/isa/dispatch.cc reads it; the bytes are the
// same either way). A misspelt variable is an error, never a silent fallback.
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadNative, nativeBackend, type NativeAddon } from './native.js';

/** Every ISA name, widest first; FASTAUG_ISA=x allows x and anything after it. */
export const ISA_ORDER = ['avx512', 'avx2', 'sse4', 'neon', 'scalar'] as const;

export interface Selection {
  backend: Backend;
  /** Why the native backend is not in use, when it is not. */
  nativeUnavailable?: string;
  /** ISAs the CPU supports (empty without the addon). */
  isas: string[];
}

let selection: Selection | undefined;

/** FASTAUG_ISA's rank in ISA_ORDER, or undefined when unset; a misspelling is an error whatever the backend. */
function isaCap(cap: string | undefined): number | undefined {
  if (cap === undefined || cap === '') return undefined;
  const capRank = ISA_ORDER.indexOf(cap as (typeof ISA_ORDER)[number]);
  if (capRank < 0) throw new RangeError(`fastaug: FASTAUG_ISA must be one of ${ISA_ORDER.join(', ')}; got '${cap}'`);
  return capRank;
}

function cappedIsa(addon: NativeAddon, capRank: number | undefined): string {
  const supported = addon.isas();
  if (capRank === undefined) return supported[0]!;
  return supported.find((isa) => ISA_ORDER.indexOf(isa as (typeof ISA_ORDER)[number]) >= capRank) ?? 'scalar';
}

function select(env: NodeJS.ProcessEnv): Selection {
  const forced = env.FASTAUG_BACKEND;
  if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'native') {
    throw new RangeError(`fastaug: FASTAUG_BACKEND must be 'js' or 'native'; got '${forced}'`);
  }
  const capRank = isaCap(env.FASTAUG_ISA);
  const vbmi = env.FASTAUG_VBMI;
  if (vbmi !== undefined && vbmi !== '' && vbmi !== '0' && vbmi !== '1') {
    throw new RangeError(`fastaug: FASTAUG_VBMI must be '0' or '1'; got '${vbmi}'`);
  }
  const native = loadNative();
  const isas = native.addon ? native.addon.isas() : [];
  if (forced === 'js') return { backend: jsBackend, nativeUnavailable: 'FASTAUG_BACKEND=js', isas };
  if (native.addon) return { backend: nativeBackend(native.addon, cappedIsa(native.addon, capRank)), isas };
  if (forced === 'native') throw new Error(`fastaug: FASTAUG_BACKEND=native but ${native.error}`);
  // a file asked for by name that does not load is an error, as a forced backend is
  const explicitPath = env.FASTAUG_NATIVE_PATH;
  if (explicitPath !== undefined && explicitPath !== '') throw new Error(`fastaug: FASTAUG_NATIVE_PATH=${explicitPath} but ${native.error}`);
  return { backend: jsBackend, nativeUnavailable: native.error, isas };
}

export function currentSelection(): Selection {
  selection ??= select(process.env);
  return selection;
}

export function activeBackend(): Backend {
  return currentSelection().backend;
}

/** For tests: every backend this machine can run (js, then native per ISA). */
export function availableBackends(): Backend[] {
  const native = loadNative();
  const natives = native.addon ? native.addon.isas().map((isa) => nativeBackend(native.addon, isa)) : [];
  return [jsBackend, ...natives];
}
