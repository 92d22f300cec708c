// Every test file: …Async calls split over as many threads as asked, however
// small the input, so that the kernels' range splits are exercised on the
// small batches tests use (production splits by size: threadsWorth in
// src/ops/common.ts, tested in test/async.test.ts).
import { threadSplit } from '../src/ops/common.js';

threadSplit.minPartNs = 0;
