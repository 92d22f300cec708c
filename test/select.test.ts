// Backend selection (src/backends/select.ts) in this process: each
// environment variable's effect, and a misspelling an error, not a fallback.
// (test/packaging.test.ts checks the same through a child process per setting.)
import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadNative } from '../src/backends/native.js';

const addon = loadNative().addon;
const saved = { ...process.env };

/** select.ts afresh (it caches its choice), under these variables. */
async function selectWith(env: Record<string, string>): Promise<typeof import('../src/backends/select.js')> {
  for (const name of ['FASTAUG_BACKEND', 'FASTAUG_ISA', 'FASTAUG_NATIVE_PATH', 'FASTAUG_VBMI']) delete process.env[name];
  Object.assign(process.env, env);
  vi.resetModules();
  return import('../src/backends/select.js');
}

afterEach(() => {
  for (const name of ['FASTAUG_BACKEND', 'FASTAUG_ISA', 'FASTAUG_NATIVE_PATH', 'FASTAUG_VBMI']) delete process.env[name];
  Object.assign(process.env, saved);
  vi.resetModules();
});

describe('backend selection', () => {
  it('FASTAUG_BACKEND=js picks js and says why native is not used', async () => {
    const s = (await selectWith({ FASTAUG_BACKEND: 'js' })).currentSelection();
    expect(s.backend.name).toBe('js');
    expect(s.nativeUnavailable).toBe('FASTAUG_BACKEND=js');
  });

  it('a misspelt FASTAUG_BACKEND, FASTAUG_ISA or FASTAUG_VBMI is a RangeError naming the variable', async () => {
    await expect(selectWith({ FASTAUG_BACKEND: 'gpu' }).then((m) => m.currentSelection())).rejects.toThrow(new RangeError("fastaug: FASTAUG_BACKEND must be 'js' or 'native'; got 'gpu'"));
    await expect(selectWith({ FASTAUG_ISA: 'avx3' }).then((m) => m.currentSelection())).rejects.toThrow("FASTAUG_ISA must be one of avx512, avx2, sse4, neon, scalar; got 'avx3'");
    await expect(selectWith({ FASTAUG_VBMI: 'off' }).then((m) => m.currentSelection())).rejects.toThrow(new RangeError("fastaug: FASTAUG_VBMI must be '0' or '1'; got 'off'"));
  });

  it.skipIf(!addon)('native by default at the widest ISA; FASTAUG_ISA caps it at each level the CPU has', async () => {
    const isas = addon!.isas();
    const widest = (await selectWith({})).currentSelection();
    expect([widest.backend.name, widest.backend.isa, widest.isas]).toEqual(['native', isas[0], isas]);
    for (const isa of isas) expect((await selectWith({ FASTAUG_ISA: isa, FASTAUG_BACKEND: 'native' })).activeBackend().isa).toBe(isa);
    // a cap this CPU does not have (neon on x86, or the reverse) falls to the next narrower one it has
    const missing = ['avx512', 'avx2', 'sse4', 'neon', 'scalar'].find((isa) => !isas.includes(isa))!;
    const capped = (await selectWith({ FASTAUG_ISA: missing })).activeBackend().isa;
    expect(isas).toContain(capped);
  });

  it('an addon named by FASTAUG_NATIVE_PATH that does not load is an error, not js', async () => {
    delete process.env.FASTAUG_BACKEND;
    vi.resetModules();
    process.env.FASTAUG_NATIVE_PATH = '/nonexistent/fastaug.node';
    const native = await import('../src/backends/native.js');
    const m = await import('../src/backends/select.js');
    expect(native.loadNative().error).toContain('/nonexistent/fastaug.node named by FASTAUG_NATIVE_PATH did not load');
    expect(() => m.currentSelection()).toThrow('fastaug: FASTAUG_NATIVE_PATH=/nonexistent/fastaug.node but the addon /nonexistent/fastaug.node named by FASTAUG_NATIVE_PATH did not load');
    process.env.FASTAUG_BACKEND = 'native';
    vi.resetModules();
    const forced = await import('../src/backends/select.js');
    expect(() => forced.currentSelection()).toThrow('fastaug: FASTAUG_BACKEND=native but the addon');
  });
});
