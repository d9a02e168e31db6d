import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface TypeDiagnostic {
  file: string;
  line: number;
  message: string;
}

/**
 * Type-checks `files` (plus in-memory `extra` files, by absolute path) with the
 * repo's tsconfig.json, in a child process. ts-jest runs here with
 * `isolatedModules` (from tsconfig.json), i.e. without type-checking, so type
 * tests must call this to be able to fail under jest.
 */
export function typeCheck(files: string[], extra: Record<string, string> = {}): TypeDiagnostic[] {
  const root = path.resolve(__dirname, '../..');
  const result = spawnSync(process.execPath, [path.join(__dirname, 'typeCheckWorker.cjs')], {
    cwd: root,
    input: JSON.stringify({ root, files, extra }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`type-check worker failed: ${result.stderr || String(result.error)}`);
  return JSON.parse(result.stdout) as TypeDiagnostic[];
}
