// fastaug impact from the command line: any IDX dataset (here 16×12 images in
// 4 classes), the default MLP or a saved model.json topology, progress lines
// when stderr is not a terminal, --resume, and the report files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import type { ImpactReport } from '../src/impact/types.js';
import { idxBytes } from './helpers/idx.js';
import { tempDir } from './helpers/tempdir.js';

const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
const [H, W, K] = [16, 12, 4];

/** Class k: a bright vertical bar at columns 3k…3k+2, texture elsewhere. */
function writeSplit(dir: string, split: 'train' | 't10k', n: number): void {
  const images = new Uint8Array(n * H * W);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = (i * 7) % K;
    labels[i] = k;
    for (let y = 0; y < H; y += 1) for (let x = 0; x < W; x += 1) images[(i * H + y) * W + x] = (x >= 3 * k && x < 3 * k + 3 ? 180 : 10) + ((i + 3 * y + x) % 40);
  }
  writeFileSync(path.join(dir, `${split}-images-idx3-ubyte.gz`), gzipSync(idxBytes([n, H, W], images)));
  writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), idxBytes([n], labels));
}

const run = (args: string[]) => spawnSync(process.execPath, [cli, 'impact', ...args], { encoding: 'utf8' });

describe('fastaug impact (CLI)', () => {
  const dir = tempDir('fastaug-impact-cli-');
  writeSplit(dir, 'train', 200);
  writeSplit(dir, 't10k', 80);
  const small = ['--data', dir, '--seeds', '2', '--epochs', '1', '--workers', '2', '--conditions', 'shift-int,hidden-noise,label-smoothing'];

  it('trains the default MLP sized to the data, prints the table and progress lines, writes the report', () => {
    const out = path.join(dir, 'a');
    const r = run([...small, '--out', out]);
    expect(r.stderr).toMatch(/fastaug impact: 8\/8 runs, \d+ s/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('shift-int');
    expect(r.stdout).toMatch(/wrote .*impact\.html/);
    const report = JSON.parse(readFileSync(path.join(out, 'impact.json'), 'utf8')) as ImpactReport;
    expect(report.settings).toMatchObject({ numClasses: K, train: { n: 200, shape: [H, W, 1] }, seeds: [1, 2], workers: 2 });
    expect(report.settings.model).toMatch(/^Dense\(128, relu\) → Dense\(4, softmax\); 25,220 parameters; Adam/);
    expect(report.conditions.map((c) => c.name)).toEqual(['baseline', 'shift-int', 'hidden-noise', 'label-smoothing']);
    expect(report.runs.every((x) => x.status === 'ok')).toBe(true);
    for (const f of ['impact.md', 'impact.html', 'forest.svg', 'severity.svg', 'affinity-diversity.svg', 'per-class.svg', 'training.svg', 'checkpoint.json']) {
      expect(existsSync(path.join(out, f))).toBe(true);
    }
    // --resume with everything saved trains nothing and gives the same runs
    const again = run([...small, '--out', out, '--resume']);
    expect(again.status).toBe(0);
    const resumed = JSON.parse(readFileSync(path.join(out, 'impact.json'), 'utf8')) as ImpactReport;
    expect(resumed.runs).toEqual(report.runs);
  }, 120_000);

  it('--model trains a saved topology, re-initialised per seed, with a noise layer put in for hidden-noise', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, 1] }), tf.layers.dense({ units: 8, activation: 'relu' }), tf.layers.dense({ units: K, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const saved = path.join(dir, 'model');
    await model.save(`file://${saved}`).catch(async () => {
      // no tfjs-node: write model.json as the converter would
      const { mkdirSync } = await import('node:fs');
      mkdirSync(saved, { recursive: true });
      await model.save(tf.io.withSaveHandler(async (a) => {
        writeFileSync(path.join(saved, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, trainingConfig: { loss: 'categorical_crossentropy', metrics: [], optimizer_config: { class_name: 'SGD', config: { learningRate: 0.1 } } }, weightsManifest: [] }));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
    });
    const out = path.join(dir, 'b');
    const r = run([...small, '--out', out, '--model', path.join(saved, 'model.json')]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'impact.json'), 'utf8')) as ImpactReport;
    expect(report.settings.model).toMatch(/^Flatten → Dense\(8, relu\) → Dense\(4, softmax\); 1,580 parameters; SGD \(lr 0.1\)/);
    expect(report.runs.every((x) => x.status === 'ok')).toBe(true);
  }, 120_000);

  it('exits non-zero with one line on bad input, and makes --out before reading data', () => {
    expect(run(['--seeds', 'x']).stderr).toContain("--seeds takes a whole number >= 1, not 'x'");
    expect(run(['--budget', '0']).stderr).toContain("--budget takes a number of seconds > 0, not '0'");
    const unknown = run(['--data', dir, '--out', path.join(dir, 'c'), '--conditions', 'nope']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('fastaug: unknown condition nope; expected some of: baseline, shift-int');
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => execFileSync(process.execPath, [cli, 'impact', '--data', path.join(dir, 'missing'), '--out', path.join(file, 'sub')], { encoding: 'utf8', stdio: 'pipe' })).toThrow('ENOTDIR');
    expect(run(['--data', path.join(dir, 'missing'), '--out', path.join(dir, 'd')]).stderr).toContain('no train-images-idx3-ubyte[.gz]');
  }, 60_000);
});
