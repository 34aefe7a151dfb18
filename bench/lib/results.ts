import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export type Figures = Record<string, number>;

export function machine(): { cores: number; cpu: string; node: string } {
  return { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version };
}

/** Writes bench/results/<suite>.json and appends a row to bench/README.md's results table. */
export function writeResults(suite: string, figures: Figures): void {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const record = { ...figures, date, machine: machine() };
  writeFileSync(path.join(dir, `${suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
  const readme = path.join(benchDir, 'README.md');
  if (existsSync(readme) && readFileSync(readme, 'utf8').includes('| date | suite |')) {
    const shown = Object.entries(figures)
      .map(([k, v]) => `${k} ${format(v)}`)
      .join(', ');
    appendFileSync(
      readme,
      `| ${date.slice(0, 16).replace('T', ' ')} | ${suite} | ${shown} | ${machine().cores} × ${machine().cpu}, ${process.version} |\n`,
    );
  }
  console.log(`${suite}: ${JSON.stringify(figures)}`);
}

function format(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
