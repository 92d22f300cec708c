// Every backend this machine can run: js, then native at each ISA the CPU
// supports. Conformance tests loop over all of them.
import type { Backend } from '../../src/backends/backend.js';
import { availableBackends } from '../../src/backends/select.js';

// FASTAUG_TEST_ISAS=avx512 (a comma list) keeps only those native ISAs:
// scripts/emulated-avx512.sh tests its emulated avx512 kernels alone, the
// ordinary pass having covered the others.
const onlyIsas = process.env.FASTAUG_TEST_ISAS?.split(',');

export const backends: Backend[] = availableBackends().filter((b) => b.name === 'js' || onlyIsas === undefined || onlyIsas.includes(b.isa));
export const nativeBackends: Backend[] = backends.filter((b) => b.name === 'native');
export const jsReference: Backend = backends[0]!;
export const backendName = (b: Backend): string => (b.name === 'js' ? 'js' : `native/${b.isa}`);
