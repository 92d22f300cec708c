// The examples run as a user runs them (node examples/<file>.mjs), on data
// the test writes, so that they never depend on the machine's datasets.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { writeBlocksDataset } from './helpers/idx.js';
import { tempDir } from './helpers/tempdir.js';

const root = path.resolve(__dirname, '..');

describe('examples/fashion-mnist.mjs', () => {
  it('loads the IDX files, trains on augmented batches with a GaussianNoise layer, and evaluates', () => {
    const data = tempDir('fastaug-example-');
    writeBlocksDataset(data, 'train', 640);
    writeBlocksDataset(data, 't10k', 200);
    const r = spawnSync(process.execPath, ['examples/fashion-mnist.mjs', '--data', data, '--train', '640', '--test', '200', '--epochs', '2'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const epochs = r.stdout.match(/^epoch \d\/2: loss [\d.]+, training accuracy [\d.]+$/gm);
    expect(epochs).toHaveLength(2);
    const test = /^test: loss ([\d.]+), accuracy ([\d.]+) \(cpu backend\)$/m.exec(r.stdout);
    expect(test).not.toBeNull();
    // 10 classes: chance is 0.1; the model learns these from augmented batches
    expect(Number(test![2])).toBeGreaterThan(0.5);
  }, 120_000);
});

describe('examples/measure-impact.mjs', () => {
  it("measures three conditions on the example's own model and data and writes the report", () => {
    const out = path.join(tempDir('fastaug-example-impact-'), 'report');
    const r = spawnSync(process.execPath, ['examples/measure-impact.mjs', '--train', '400', '--test', '200', '--seeds', '3', '--epochs', '2', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^baseline {3}clean [\d.]+ % {2}reference$/m);
    for (const name of ['shift', 'noise', 'smoothing']) expect(r.stdout).toMatch(new RegExp(`^${name} +clean [\\d.]+ % {2}Δ -?[\\d.]+ pp \\[-?[\\d.]+, -?[\\d.]+\\]( \\*)?$`, 'm'));
    expect(existsSync(path.join(out, 'impact.html'))).toBe(true);
  }, 120_000);
});
