#!/usr/bin/env node
// The fastaug command: bench | impact | preview.
import { Command } from 'commander';

import { runBench } from './bench.js';

const program = new Command();
program.name('fastaug').description('Fast, reproducible, measurable dataset augmentation');

program
  .command('bench')
  .description('run the benchmark suite: native per ISA, js and memcpy; 1 and 2 threads')
  .argument('[filters...]', 'families or case ids to run (default: all)')
  .option('--quick', 'shorter sampling')
  .action(async (filters: string[], options: { quick?: boolean }) => runBench(filters, options));

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`fastaug: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
