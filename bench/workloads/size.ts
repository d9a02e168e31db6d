/**
 * Workload 6: bundle size. Each operator's entry file and the whole package
 * index are bundled with esbuild (ESM, minified, tree-shaken, rxjs external)
 * and gzipped with zlib at level 9.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SizeRow {
  entry: string;
  exports: string;
  minified: number;
  gzipped: number;
}

export const SIZE_ENTRIES: Array<{ file: string; exports: string }> = [
  { file: 'src/asCompleted.ts', exports: 'asCompleted' },
  { file: 'src/asCompletedWithTimeout.ts', exports: 'asCompletedWithTimeout' },
  { file: 'src/firstCompleted.ts', exports: 'firstCompleted' },
  { file: 'src/mergeCompletedThen.ts', exports: 'mergeCompletedThen' },
  { file: 'src/AsCompletedTimeoutError.ts', exports: 'AsCompletedTimeoutError' },
  { file: 'src/index.ts', exports: 'everything (the package)' },
];

export async function measureSizes(root: string): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const { file, exports } of SIZE_ENTRIES) {
    const result = await build({
      entryPoints: [join(root, file)],
      bundle: true,
      minify: true,
      treeShaking: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      external: ['rxjs', 'rxjs/*'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    rows.push({
      entry: relative(root, join(root, file)),
      exports,
      minified: code.length,
      gzipped: gzipSync(code, { level: 9 }).length,
    });
  }
  return rows;
}

/** Size of a file as published (for context): not used for the target. */
export function fileBytes(path: string): number {
  return readFileSync(path).length;
}
