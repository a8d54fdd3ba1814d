// Where a suite's problems are in its text: a syntax error has an offset already; a schema problem
// has a path of keys, which jsonc-parser's tree turns into the offset and length of that value
// (or of the nearest enclosing value that exists, for a missing property). Lines and columns are
// 1-based for the command line; the editor uses the offsets.

import * as fs from 'node:fs';
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';
import { parseSuite, type Suite, type SuiteProblem } from './suiteFile';

export interface LocatedProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export type ReadSuite = { readonly ok: true; readonly suite: Suite } | { readonly ok: false; readonly problems: readonly LocatedProblem[] };

/** Larger suite files are refused before they are read. */
export const MAX_SUITE_BYTES = 4 << 20;

export function locateProblems(source: string, problems: readonly SuiteProblem[]): LocatedProblem[] {
  const tree = parseTree(source, [], { disallowComments: true });
  return problems.map((p) => {
    let offset = p.offset ?? 0;
    let length = p.length ?? 0;
    if (p.path && tree) {
      let node: Node | undefined;
      // The deepest part of the path that exists: a missing key points at the object that lacks it.
      for (let depth = p.path.length; depth >= 0 && !node; depth--) node = findNodeAtLocation(tree, p.path.slice(0, depth) as (string | number)[]);
      // A property's value is underlined together with its key.
      const target = node?.parent?.type === 'property' ? node.parent : node;
      offset = target?.offset ?? 0;
      length = target?.length ?? 0;
    }
    const before = source.slice(0, offset).split('\n');
    const where = p.path?.length ? ` (at ${p.path.join('.')})` : '';
    return { message: `${p.message}${where}`, offset, length, line: before.length, column: before[before.length - 1].length + 1 };
  });
}

export function checkSuiteText(source: string): ReadSuite {
  const parsed = parseSuite(source);
  return parsed.ok ? parsed : { ok: false, problems: locateProblems(source, parsed.problems) };
}

export function readSuiteFile(file: string): ReadSuite {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const size = fs.statSync(file).size;
  if (size > MAX_SUITE_BYTES) throw new Error(`${file}: ${size} bytes, larger than a suite file may be (${MAX_SUITE_BYTES})`);
  return checkSuiteText(fs.readFileSync(file, 'utf8'));
}

/** Where each test's object is in a suite's text, by test name (for Test Explorer items' ranges). */
export function testOffsets(source: string): Map<string, { offset: number; length: number }> {
  const tree = parseTree(source, [], { disallowComments: true });
  const tests = tree ? findNodeAtLocation(tree, ['tests']) : undefined;
  const offsets = new Map<string, { offset: number; length: number }>();
  for (const node of tests?.children ?? []) {
    const name = findNodeAtLocation(node, ['name'])?.value;
    if (typeof name === 'string') offsets.set(name, { offset: node.offset, length: node.length });
  }
  return offsets;
}
