// Results of suite runs, kept as files: `.llm-pipeline/results/<suite>-<time>.jsonl` in the
// workspace, one JSON object per line: a header (suite, model, its hash, when), then one line per
// test with its verdict, message, duration and figures. JSONL so a run can be read line by line
// by other tools (jq, pandas), and appended to without rewriting. Two runs of a suite compare
// test by test: what changed verdict, and how each figure moved.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import type { TestResult } from './runSuite';

export interface RunHeader {
  readonly suite: string;
  readonly suiteFile: string;
  readonly model: string;
  readonly modelDir: string;
  readonly modelHash: string;
  readonly startedAt: string;
}

export interface RecordedRun {
  readonly file: string;
  readonly header: RunHeader;
  readonly results: readonly TestResult[];
}

/** `name-2026-12-02T06-50-01-123Z.jsonl`: sortable by time, safe in every file system. */
export function runFileName(suiteFile: string, startedAt: Date): string {
  const base = path.basename(suiteFile).replace(/\.llmeval\.json$/, '');
  return `${base}-${startedAt.toISOString().replace(/[:.]/g, '-')}.jsonl`;
}

export function writeRun(folder: string, header: RunHeader, results: readonly TestResult[]): string {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, runFileName(header.suiteFile, new Date(header.startedAt)));
  writeFileAtomic(file, [header, ...results].map((line) => JSON.stringify(line)).join('\n') + '\n');
  return file;
}

export function readRun(file: string): RecordedRun {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  if (lines.length === 0) throw new Error(`${file}: an empty results file`);
  return { file, header: JSON.parse(lines[0]) as RunHeader, results: lines.slice(1).map((l) => JSON.parse(l) as TestResult) };
}

/** The runs of one suite file in `folder`, newest first. */
export function runsOf(folder: string, suiteFile: string): string[] {
  if (!fs.existsSync(folder)) return [];
  const prefix = `${path.basename(suiteFile).replace(/\.llmeval\.json$/, '')}-`;
  return fs
    .readdirSync(folder)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl') && /^\d{4}-/.test(f.slice(prefix.length)))
    .sort()
    .reverse()
    .map((f) => path.join(folder, f));
}

export interface ComparedTest {
  readonly name: string;
  readonly before?: TestResult;
  readonly after?: TestResult;
  /** Numeric figures present in both, with their change (after − before). */
  readonly moved: readonly { readonly figure: string; readonly before: number; readonly after: number }[];
}

/** Test by test: `before` is the older run. */
export function compareRuns(before: RecordedRun, after: RecordedRun): ComparedTest[] {
  const names = [...new Set([...before.results.map((r) => r.name), ...after.results.map((r) => r.name)])];
  return names.map((name) => {
    const a = before.results.find((r) => r.name === name);
    const b = after.results.find((r) => r.name === name);
    const moved = Object.entries(b?.figures ?? {})
      .filter(([key, value]) => typeof value === 'number' && typeof a?.figures[key] === 'number')
      .map(([figure, value]) => ({ figure, before: a?.figures[figure] as number, after: value as number }));
    return { name, before: a, after: b, moved };
  });
}

/** The comparison as a Markdown table, for a document beside the suite. */
export function comparisonMarkdown(before: RecordedRun, after: RecordedRun): string {
  const run = (r: RecordedRun) => `${r.header.model} (${r.header.modelHash.slice(0, 12)}), ${r.header.startedAt}`;
  const rows = compareRuns(before, after).map((t) => {
    const figures = t.moved.map((m) => `${m.figure} ${m.before.toFixed(3)} → ${m.after.toFixed(3)}`).join('; ');
    const mark = t.before?.status !== t.after?.status ? ' **changed**' : '';
    return `| ${t.name.replace(/\|/g, '\\|')} | ${t.before?.status ?? '—'} | ${t.after?.status ?? '—'}${mark} | ${figures} |`;
  });
  return [`# ${after.header.suite}: the last two runs`, '', `- before: ${run(before)}`, `- after: ${run(after)}`, '', '| test | before | after | figures |', '|---|---|---|---|', ...rows, ''].join('\n');
}
