// fastaug bench: runs the benchmark suite (bench/run.mjs) with a progress
// bar, prints its table, and writes an SVG chart per family next to the JSON,
// into --out (relative to the current directory, never the package's own).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { SingleBar } from 'cli-progress';

import { packageRoot } from '../backends/native.js';
import { backendInfo } from '../index.js';
import { barChart, type BarGroup } from './svg.js';

interface BenchRow { case: string; name: string; variant: string; threads: number; medianMs: number; xMemcpy: number }
interface BenchFile { cases: Array<{ id: string; name: string; items: number; unit: string }>; rows: BenchRow[] }

export async function runBench(args: string[], options: { quick?: boolean; out: string }): Promise<void> {
  const root = packageRoot();
  const runner = path.join(root, 'bench', 'run.mjs');
  if (!existsSync(runner)) throw new Error(`the benchmark suite is not in this installation (${runner}); run it from a clone of the repository`);
  const variants = 1 + backendInfo().isas.length; // native per ISA, js (each with its own memcpy)
  const bar = new SingleBar({ format: 'bench [{bar}] {value}/{total} variants · {variant}', stream: process.stderr, hideCursor: true });
  bar.start(variants, 0, { variant: 'starting' });
  const out = path.resolve(options.out);
  // run from the current directory: the runner prints the paths it wrote relative to it
  const child = spawn(process.execPath, [runner, ...args, ...(options.quick ? ['--quick'] : []), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let done = 0;
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const match of chunk.toString().matchAll(/bench: (\S+) …/g)) {
      bar.update(done, { variant: match[1] });
      done += 1;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  bar.update(variants, { variant: 'done' });
  bar.stop();
  // exit code 2: the runner's own one-line usage error; anything else keeps its whole stderr
  if (code === 2) throw new Error(stderr.trim());
  if (code !== 0) throw new Error(`benchmark failed:\n${stderr}`);
  process.stdout.write(stdout);
  for (const file of stdout.matchAll(/^wrote (.+\.json)$/gm)) {
    const json = path.resolve(file[1]!);
    const svg = json.replace(/\.json$/, '.svg');
    writeFileSync(svg, benchChart(JSON.parse(readFileSync(json, 'utf8')) as BenchFile, path.basename(json, '.json')));
    console.log(`wrote ${path.relative(process.cwd(), svg)}`);
  }
}

/** Throughput per case (log scale): the best native ISA, js and memcpy, one thread. */
export function benchChart(results: BenchFile, family: string): string {
  const groups: BarGroup[] = results.cases.map((c) => {
    const rows = results.rows.filter((r) => r.case === c.id && r.threads === 1);
    const native = rows.filter((r) => r.variant.startsWith('native/')).sort((a, b) => a.medianMs - b.medianMs)[0];
    const pick = (label: string, row: BenchRow | undefined) => ({ label, value: row ? c.items / (row.medianMs / 1e3) : NaN });
    return {
      label: `${c.id} ${c.name}`.slice(0, 48),
      bars: [
        pick(native ? native.variant : 'native', native),
        pick('js', rows.find((r) => r.variant === 'js')),
        // memcpy as the items per second a kernel would reach at the speed of copying its bytes
        pick('memcpy ceiling', rows.find((r) => r.variant === 'memcpy')),
      ],
    };
  });
  for (const g of groups) g.bars[0]!.label = 'native (best ISA)';
  return barChart({ title: `fastaug ${family}: items per second, 1 thread`, unit: 'items / s (log scale)', groups, log: true });
}
