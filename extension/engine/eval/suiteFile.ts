// An eval suite file (*.llmeval.json): a list of tests of five kinds. The shape is declared once
// here with valibot (the TypeScript types are inferred from it, and the same declaration checks a
// file before anything runs); schemas/llmeval.schema.json describes the same shape to VS Code's
// JSON editor for completion, and a unit test keeps the two in step.
// Problems are reported with their path inside the file (["tests", 3, "answer"]), so the editor
// can underline the exact value; jsonc-parser gives the offsets of both syntax errors and paths.

import * as v from 'valibot';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';

const text = v.pipe(v.string(), v.minLength(1, 'must not be empty'));
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(min), v.maxValue(max));
const named = { name: text, description: v.optional(v.string()) };

const expectTest = v.strictObject({
  kind: v.literal('expect'),
  ...named,
  prompt: text,
  expected: text,
  /** greedy: greedy decoding reproduces it; logprob: ln p(expected | prompt) ≥ minLogProb; topk: every token ranks within k. */
  mode: v.optional(v.picklist(['greedy', 'logprob', 'topk']), 'greedy'),
  minLogProb: v.optional(v.pipe(v.number(), v.maxValue(0))),
  k: v.optional(whole(1, 1000), 5),
});

const choiceTest = v.strictObject({
  kind: v.literal('choice'),
  ...named,
  context: text,
  choices: v.pipe(v.array(text), v.minLength(2, 'needs at least two choices'), v.maxLength(26)),
  answer: whole(0, 25),
});

const group = v.strictObject({ label: text, fill: text });
const biasTest = v.strictObject({
  kind: v.literal('bias'),
  ...named,
  templates: v.pipe(v.array(v.pipe(text, v.includes('{group}', 'must contain {group}'))), v.minLength(1)),
  groups: v.pipe(v.array(group), v.length(2, 'needs exactly two groups to compare')),
  targets: v.pipe(v.array(text), v.minLength(1)),
  controls: v.pipe(v.array(text), v.minLength(1)),
  maxAssociation: v.pipe(v.number(), v.minValue(0)),
});

const injectionTest = v.strictObject({
  kind: v.literal('injection'),
  ...named,
  question: text,
  document: v.optional(text),
  /** A file relative to the suite, inside the suite's folder. */
  documentFile: v.optional(text),
  injection: text,
  target: text,
  maxLift: v.number(),
});

const groundingTest = v.strictObject({
  kind: v.literal('grounding'),
  ...named,
  question: text,
  sources: v.pipe(v.array(text), v.minLength(1)),
  topK: v.optional(whole(1, 20), 2),
  maxNewTokens: v.optional(whole(1, 512), 32),
  maxUnsupportedRate: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
});

const test = v.variant('kind', [expectTest, choiceTest, biasTest, injectionTest, groundingTest]);

export const suiteSchema = v.strictObject({
  $schema: v.optional(v.string()),
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  tests: v.pipe(v.array(test), v.minLength(1, 'needs at least one test')),
});

export type Suite = v.InferOutput<typeof suiteSchema>;
export type SuiteTest = Suite['tests'][number];
export type TestKind = SuiteTest['kind'];
export type TestOf<K extends TestKind> = Extract<SuiteTest, { kind: K }>;

export interface SuiteProblem {
  readonly message: string;
  /** Where in the file: a path of keys for a schema problem, an offset and length for a syntax error. */
  readonly path?: readonly (string | number)[];
  readonly offset?: number;
  readonly length?: number;
}

export type ParsedSuite = { readonly ok: true; readonly suite: Suite } | { readonly ok: false; readonly problems: readonly SuiteProblem[] };

/** Checks a suite file's text: its JSON syntax, its shape, and what the shape cannot say. */
export function parseSuite(source: string): ParsedSuite {
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(source, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length) {
    return { ok: false, problems: errors.map((e) => ({ message: `JSON syntax: ${printParseErrorCode(e.error)}`, offset: e.offset, length: e.length })) };
  }
  const result = v.safeParse(suiteSchema, json);
  if (!result.success) {
    return { ok: false, problems: result.issues.map((issue) => ({ message: issue.message, path: (issue.path ?? []).map((p) => p.key as string | number) })) };
  }
  const problems = crossChecks(result.output);
  return problems.length ? { ok: false, problems } : { ok: true, suite: result.output };
}

function crossChecks(suite: Suite): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const seen = new Set<string>();
  suite.tests.forEach((t, i) => {
    if (seen.has(t.name)) problems.push({ message: `a second test named "${t.name}": test names must be unique in a suite`, path: ['tests', i, 'name'] });
    seen.add(t.name);
    if (t.kind === 'choice' && t.answer >= t.choices.length) problems.push({ message: `answer ${t.answer} is not one of the ${t.choices.length} choices (counted from 0)`, path: ['tests', i, 'answer'] });
    if (t.kind === 'expect' && t.mode === 'logprob' && t.minLogProb === undefined) problems.push({ message: 'mode "logprob" needs minLogProb (nats, at most 0)', path: ['tests', i, 'mode'] });
    if (t.kind === 'injection' && (t.document === undefined) === (t.documentFile === undefined)) problems.push({ message: 'give exactly one of document and documentFile', path: ['tests', i] });
  });
  return problems;
}
