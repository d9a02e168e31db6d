import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  v8: string;
  rxjs: string;
  pMap: string;
  loadAverage: number[];
}

function versionOf(root: string, name: string): string {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

export function machine(root: string): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? '?',
    cores: list.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    rxjs: versionOf(root, 'rxjs'),
    pMap: versionOf(root, 'p-map'),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function describeMachine(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}; Node ${m.node} (V8 ${m.v8}); ` +
    `rxjs ${m.rxjs}, p-map ${m.pMap}; load average at start ${m.loadAverage.join(' / ')}`
  );
}

/** Free memory, for the log. */
export const freeGB = (): number => Math.round((freemem() / 2 ** 30) * 10) / 10;
