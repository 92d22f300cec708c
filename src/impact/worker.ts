// A training worker (worker_threads): receives the shared data once, then
// runs jobs one at a time, asking the coordinator for each epoch's data.
import { parentPort } from 'node:worker_threads';

import type { EpochData, FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { loadTrainingTf, runJob } from './trainer.js';

const port = parentPort!;
const send = (message: FromWorker): void => port.postMessage(message);
const pendingEpochs = new Map<string, { resolve: (d: EpochData) => void; reject: (e: Error) => void }>();
let init: WorkerInit | undefined;
let tf: Awaited<ReturnType<typeof loadTrainingTf>> | undefined;

function requestEpoch(jobId: number, epoch: number): Promise<EpochData> {
  return new Promise((resolve, reject) => {
    pendingEpochs.set(`${jobId}/${epoch}`, { resolve, reject });
    send({ type: 'need-epoch', jobId, epoch });
  });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    init = message.init;
    loadTrainingTf(init.backend, init.setup).then((loaded) => {
      tf = loaded;
      send({ type: 'ready' });
    }, (error: unknown) => send({ type: 'init-failed', error: error instanceof Error ? error.message : String(error) }));
  } else if (message.type === 'run') {
    const { job } = message;
    void runJob(tf!, init!, job, (epoch) => requestEpoch(job.id, epoch)).then((record) => send({ type: 'done', jobId: job.id, record }));
  } else {
    const key = `${message.jobId}/${message.epoch}`;
    const waiting = pendingEpochs.get(key);
    pendingEpochs.delete(key);
    if (message.data) waiting?.resolve(message.data);
    else waiting?.reject(new Error(message.error ?? 'no epoch data'));
  }
});
