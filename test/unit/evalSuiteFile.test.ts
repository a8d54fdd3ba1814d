// Suite files: syntax and schema problems located in the text, the checks the schema cannot
// express, and the JSON Schema VS Code uses kept in step with the valibot declaration.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suiteSchema } from '../../extension/engine/eval/suiteFile';
import { checkSuiteText } from '../../extension/engine/eval/suiteLocation';

const ROOT = path.join(__dirname, '..', '..');
const problemsOf = (text: string) => {
  const parsed = checkSuiteText(text);
  assert.equal(parsed.ok, false);
  return parsed.ok ? [] : parsed.problems;
};

describe('eval: suite files', () => {
  it('locates a JSON syntax error by line and column', () => {
    const [problem] = problemsOf('{\n  "tests": [\n    {"kind": "expect",}\n  ]\n}');
    assert.match(problem.message, /JSON syntax: (PropertyNameExpected|ValueExpected)/);
    assert.equal(problem.line, 3);
    assert.equal(problem.column, 23);
  });

  it('points a schema problem at the value, and a missing property at its object', () => {
    const text = '{"tests": [\n{"kind": "choice", "name": "a", "context": "c", "choices": ["x", "y"], "answer": 1.5},\n{"kind": "expect", "name": "b", "prompt": "p"}\n]}';
    const problems = problemsOf(text);
    const answer = problems.find((p) => p.message.includes('tests.0.answer'));
    assert.ok(answer, JSON.stringify(problems));
    assert.equal(text.slice(answer.offset, answer.offset + answer.length), '"answer": 1.5');
    const missing = problems.find((p) => p.message.includes('tests.1'));
    assert.ok(missing);
    assert.equal(missing.line, 3);
    assert.equal(text[missing.offset], '{');
  });

  it('refuses an answer beyond the choices, a duplicate name and logprob without a threshold', () => {
    const problems = problemsOf(
      JSON.stringify({
        tests: [
          { kind: 'choice', name: 'a', context: 'c', choices: ['x', 'y'], answer: 2 },
          { kind: 'expect', name: 'a', prompt: 'p', expected: 'e', mode: 'logprob' },
        ],
      }),
    );
    assert.deepEqual(problems.map((p) => p.message.split(' (at')[0]), [
      'answer 2 is not one of the 2 choices (counted from 0)',
      'a second test named "a": test names must be unique in a suite',
      'mode "logprob" needs minLogProb (nats, at most 0)',
    ]);
  });

  it('has a JSON Schema with the same kinds, properties and required properties as the valibot declaration', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'walkthroughs', 'eval', 'llmeval.schema.json'), 'utf8'));
    const jsonKinds = schema.properties.tests.items.oneOf as { properties: Record<string, { const?: string }>; required: string[] }[];
    const testArray = suiteSchema.entries.tests.pipe[0];
    const options = testArray.item.options;
    assert.equal(jsonKinds.length, options.length);
    for (const option of options) {
      const kind = option.entries.kind.literal;
      const json = jsonKinds.find((k) => k.properties.kind.const === kind);
      assert.ok(json, `the JSON Schema has kind ${kind}`);
      const entries = option.entries as Record<string, { type: string }>;
      assert.deepEqual(Object.keys(json.properties).sort(), Object.keys(entries).sort(), kind);
      const required = Object.keys(entries).filter((key) => entries[key].type !== 'optional');
      assert.deepEqual([...json.required].sort(), required.sort(), kind);
    }
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(suiteSchema.entries).sort());
  });

  it('accepts every suite shipped with the walkthrough', () => {
    const dir = path.join(ROOT, 'walkthroughs', 'eval');
    const suites = fs.readdirSync(dir).filter((f) => f.endsWith('.llmeval.json'));
    assert.ok(suites.length >= 5, `shipped suites: ${suites.join(', ')}`);
    for (const file of suites) {
      const parsed = checkSuiteText(fs.readFileSync(path.join(dir, file), 'utf8'));
      assert.ok(parsed.ok, `${file}: ${parsed.ok ? '' : parsed.problems.map((p) => p.message).join('; ')}`);
    }
  });
});
