// Every backend this machine can run: js, then native at each ISA the CPU
// supports. Conformance tests loop over all of them.
import type { Backend } from '../../src/backends/backend.js';
import { availableBackends } from '../../src/backends/select.js';

// FASTAUG_TEST_ISAS=avx512 (a comma list) keeps only those native ISAs:
// scripts/emulated-avx512.sh tests its emulated avx512 kernels alone, the
// ordinary pass having covered the others.
const onlyIsas = process.env.FASTAUG_TEST_ISAS?.split(',');

// FASTAUG_TEST_SLOW_BUILD=1: the addon under test is built for checking, not
// for speed (scripts/sanitize.sh's -O1 with sanitizers, the emulated avx512
// build at -O1/-O0): its kernels run many times slower than the ops' cost
// estimates say, so tests skip the bounds that depend on those estimates.
export const slowNativeBuild = process.env.FASTAUG_TEST_SLOW_BUILD === '1';

export const backends: Backend[] = availableBackends().filter((b) => b.name === 'js' || onlyIsas === undefined || onlyIsas.includes(b.isa));
export const nativeBackends: Backend[] = backends.filter((b) => b.name === 'native');
export const jsReference: Backend = backends[0]!;
export const backendName = (b: Backend): string => (b.name === 'js' ? 'js' : `native/${b.isa}`);
