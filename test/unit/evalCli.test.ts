// The `test` and `make-choice-suite` commands: exit codes, JUnit XML, located suite problems, and
// reading-comprehension items whose answer the story names before the cut.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeChoiceSuiteCommand } from '../../extension/engine/cli/makeChoiceSuite';
import { testCommand } from '../../extension/engine/cli/test';
import { splitStories, storyClozeTests } from '../../extension/engine/eval/storyCloze';
import { referenceLogProb, writeEvalModel } from './evalFixture';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

async function quietly(run: () => Promise<void>): Promise<{ out: string[]; err: string[]; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error, code] = [console.log, console.error, process.exitCode];
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => err.push(parts.join(' '));
  process.exitCode = undefined;
  try {
    await run();
    return { out, err, exitCode: process.exitCode as number | undefined };
  } finally {
    [console.log, console.error] = [log, error];
    process.exitCode = code;
  }
}

describe('eval: CLI', function () {
  this.timeout(60_000);
  let temp: string;
  let model: ReturnType<typeof writeEvalModel>;
  before(() => {
    temp = makeTempDir('eval-cli');
    model = writeEvalModel(temp);
  });
  after(() => removeTempDir(temp));

  it('test: exit 1 when a test fails, JUnit XML with the failure, 0 when all pass', async () => {
    const lp = referenceLogProb(model.weights, 'Hello', ' world');
    const suite = (min: number) => ({ tests: [{ kind: 'expect', name: 'pass', prompt: 'Hello', expected: ' world', mode: 'logprob', minLogProb: lp - 0.01 }, { kind: 'expect', name: 'maybe', prompt: 'Hello', expected: ' world', mode: 'logprob', minLogProb: min }] });
    fs.writeFileSync(path.join(temp, 'a.llmeval.json'), JSON.stringify(suite(lp + 0.01)));
    const junit = path.join(temp, 'out.xml');
    const failing = await quietly(() => testCommand.run([path.join(temp, 'a.llmeval.json'), '--model', model.dir, '--junit', junit, '--threads', '1']));
    assert.equal(failing.exitCode, 1);
    assert.match(failing.out.join('\n'), /1 of 2 tests passed/);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.match(xml, /tests="2" failures="1" errors="0"/);
    assert.match(xml, /<testcase classname="a.llmeval.json.expect" name="maybe" time="[0-9.]+">\n\s+<failure message="ln p\(expected \| prompt\)/);
    fs.writeFileSync(path.join(temp, 'a.llmeval.json'), JSON.stringify(suite(lp - 0.01)));
    const passing = await quietly(() => testCommand.run([path.join(temp, 'a.llmeval.json'), '--model', model.dir, '--threads', '1']));
    assert.equal(passing.exitCode, undefined);
  });

  it('test: an invalid suite exits 2 with file:line:column and runs nothing', async () => {
    const file = path.join(temp, 'bad.llmeval.json');
    fs.writeFileSync(file, '{\n  "tests": [\n    {"kind": "choice", "name": "x", "context": "c", "choices": ["a"], "answer": 0}\n  ]\n}\n');
    const result = await quietly(() => testCommand.run([file, '--model', model.dir]));
    assert.equal(result.exitCode, 2);
    assert.deepEqual(result.err, [`${file}:3:53: needs at least two choices (at tests.0.choices)`]);
    assert.deepEqual(result.out, []);
  });

  it("make-choice-suite: cuts each story before a name it has already used, among names from other stories", async () => {
    const stories = ['Pip', 'Rosa', 'Tomas', 'Ulla', 'Vik', 'Wendy'].map((name, i) => `Once upon a time, a cat named ${name} lived in a house by the sea with many toys number ${i}. Every day, ${name} played. One day, ${name} ran.`);
    const corpus = path.join(temp, 'valid.txt');
    fs.writeFileSync(corpus, stories.join('\n<|endoftext|>\n'));
    assert.equal(splitStories(fs.readFileSync(corpus, 'utf8')).length, 6);
    const out = path.join(temp, 'reading.llmeval.json');
    await quietly(() => makeChoiceSuiteCommand.run(['--corpus', corpus, '--out', out, '--count', '4', '--seed', '2']));
    const suite = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(suite.tests.length, 4);
    for (const test of suite.tests) {
      const name = test.choices[test.answer].trim();
      assert.equal(test.choices.length, 4);
      assert.equal(new Set(test.choices).size, 4);
      assert.ok(test.context.endsWith(', One day,') || test.context.endsWith('One day,'), test.context);
      assert.ok(test.context.includes(`named ${name}`), 'the answer is named earlier in the context');
      for (const other of test.choices.filter((_: string, i: number) => i !== test.answer)) assert.ok(!test.context.includes(other.trim()));
    }
    assert.deepEqual(storyClozeTests(stories, { count: 4, seed: 2, maxContextChars: 600, distractors: 3 }), suite.tests);
  });
});
