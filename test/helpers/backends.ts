// Every backend this machine can run: js, then native at each ISA the CPU
// supports. Conformance tests loop over all of them.
import type { Backend } from '../../src/backends/backend.js';
import { availableBackends } from '../../src/backends/select.js';

export const backends: Backend[] = availableBackends();
export const nativeBackends: Backend[] = backends.filter((b) => b.name === 'native');
export const jsReference: Backend = backends[0]!;
export const backendName = (b: Backend): string => (b.name === 'js' ? 'js' : `native/${b.isa}`);
