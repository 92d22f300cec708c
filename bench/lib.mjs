// Shared by the bench runner and its workers: the case list.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** Every case of bench/cases/*.mjs, in file then declaration order. */
export async function loadCases() {
  const dir = path.join(benchDir, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const lists = await Promise.all(files.map(async (f) => (await import(pathToFileURL(path.join(dir, f)).href)).default));
  return lists.flat();
}
