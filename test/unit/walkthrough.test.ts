// The built-in walkthrough as package.json declares it: its eight steps, their media, the commands
// their buttons run, and the "Try it" table the host glue uses to open the sample story.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discussionsUrl } from '../../extension/walkthrough/discussions';
import { SAMPLES_FOLDER_PATH, SAMPLE_STORY_PATH, passageRange, tryItSteps } from '../../extension/walkthrough/tryItSteps';
import { localizedManifest, nlsKeys, rawManifest, readNls } from './manifest';

const root = path.resolve(__dirname, '..', '..');

interface Step {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly media: { readonly markdown?: string; readonly image?: string; readonly svg?: string; readonly altText?: string };
  readonly completionEvents?: readonly string[];
}
interface Manifest {
  readonly repository: { readonly url: string };
  readonly contributes: {
    readonly commands: readonly { readonly command: string; readonly title: string; readonly category?: string }[];
    readonly menus: { readonly commandPalette: readonly { readonly command: string; readonly when?: string }[] };
    readonly walkthroughs: readonly { readonly id: string; readonly title: string; readonly description: string; readonly steps: readonly Step[] }[];
    readonly snippets: readonly { readonly language: string; readonly path: string }[];
  };
}

const manifest = localizedManifest<Manifest>();
const registered = new Set(manifest.contributes.commands.map((c) => c.command));
const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'llmPipeline.eightSteps');

/** The eight pipeline stages, in order: the step id, its title, and its page. */
const expectedSteps = [
  ['inputProcessing', '1. Input processing', 'step1-input-processing.md'],
  ['neuralNetwork', '2. The neural network', 'step2-neural-network.md'],
  ['outputProcessing', '3. Output processing', 'step3-output-processing.md'],
  ['training', '4. Training and optimization', 'step4-training.md'],
  ['memoryAndContext', '5. Memory and context', 'step5-memory-and-context.md'],
  ['customizationAndInference', '6. Customization and inference', 'step6-customization-and-inference.md'],
  ['evaluationAndSafety', '7. Evaluation and safety', 'step7-evaluation-and-safety.md'],
  ['scalingAndTrends', '8. Scaling and future trends', 'step8-scaling-and-trends.md'],
] as const;

/** What each step's description must name, so the short titles still lead to the topics of the stage. */
const expectedTopics: Record<string, readonly string[]> = {
  inputProcessing: ['BPE', 'tokens', 'Chat templates'],
  neuralNetwork: ['Embeddings', 'attention', 'transformer blocks'],
  outputProcessing: ['greedy', 'temperature', 'top-k', 'top-p', 'beam search'],
  training: ['Pretraining', 'cross-entropy', 'AdamW', 'fine-tuning', 'RLHF', 'DPO'],
  memoryAndContext: ['context window', 'long-term memory', 'retrieval-augmented generation'],
  customizationAndInference: ['LoRA', 'quantization', 'OpenAI-compatible API'],
  evaluationAndSafety: ['bias audits', 'grounding', 'adversarial tests'],
  scalingAndTrends: ['power law', 'multimodal', 'continual learning', 'efficiency'],
};

/** Command ids named by `command:` links in a walkthrough description or a markdown page. */
function commandLinks(text: string): string[] {
  return [...text.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
}

/** Lines of a description that VS Code renders as buttons: a line holding nothing but one link. */
function buttonLines(description: string): string[] {
  return description.split('\n').filter((line) => /^\[[^\]]+\]\([^)]+\)$/.test(line.trim()));
}

describe('walkthrough contribution "LLM Pipeline: 8 steps"', () => {
  it('is declared with its id and title', () => {
    assert.ok(walkthrough, 'package.json contributes.walkthroughs has no entry with id llmPipeline.eightSteps');
    assert.equal(walkthrough.title, 'LLM Pipeline: 8 steps');
    assert.ok(walkthrough.description.length > 40, 'the walkthrough needs a description');
  });

  it('has the eight pipeline steps in order, each titled after its stage and naming its topics', () => {
    assert.ok(walkthrough);
    assert.deepEqual(walkthrough.steps.map((s) => [s.id, s.title]), expectedSteps.map(([id, title]) => [id, title]));
    for (const step of walkthrough.steps) {
      for (const topic of expectedTopics[step.id]) {
        assert.ok(step.description.toLowerCase().includes(topic.toLowerCase()), `step ${step.id}: the description should mention "${topic}"`);
      }
    }
  });

  it("shows each step's markdown page as its media, and the page file exists", () => {
    assert.ok(walkthrough);
    walkthrough.steps.forEach((step, i) => {
      const expected = `walkthroughs/${expectedSteps[i][2]}`;
      assert.equal(step.media.markdown, expected, `step ${step.id}: media.markdown`);
      assert.ok(fs.existsSync(path.join(root, expected)), `step ${step.id}: ${expected} does not exist`);
    });
  });

  it('names only commands that package.json registers, in buttons, links and completion events', () => {
    assert.ok(walkthrough);
    for (const step of walkthrough.steps) {
      const named = [
        ...commandLinks(step.description),
        ...(step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
      ];
      for (const command of named) {
        assert.ok(registered.has(command), `step ${step.id} names ${command}, which is not in contributes.commands`);
      }
    }
  });

  it('completes a step with a button when that button or its inspector runs; the others when read', () => {
    assert.ok(walkthrough);
    for (const step of walkthrough.steps) {
      const buttons = buttonLines(step.description).flatMap(commandLinks);
      const events = step.completionEvents ?? [];
      if (buttons.length === 0) {
        assert.deepEqual(events, ['onStepSelected'], `step ${step.id} has no button, so it completes when selected`);
        assert.match(step.description, /coming in a later release/, `step ${step.id} must say plainly that its inspector is coming`);
        continue;
      }
      for (const command of buttons) assert.ok(events.includes(`onCommand:${command}`), `step ${step.id}: completionEvents lacks onCommand:${command}`);
      const tryIt = tryItSteps.find((t) => buttons.includes(t.command));
      assert.ok(tryIt, `step ${step.id}: its button should be a "Try it" command from extension/walkthrough/tryItSteps.ts`);
      assert.ok(events.includes(`onCommand:${tryIt.inspector}`), `step ${step.id}: running ${tryIt.inspector} directly should complete it too`);
    }
  });

  it('offers a "Try it" button for every registered inspector the table knows, and for no other', () => {
    assert.ok(walkthrough);
    const buttons = new Set(walkthrough.steps.flatMap((s) => buttonLines(s.description).flatMap(commandLinks)));
    for (const step of tryItSteps) {
      assert.ok(registered.has(step.inspector), `${step.command} runs ${step.inspector}, which package.json does not register`);
      assert.ok(registered.has(step.command), `${step.command} is not in contributes.commands`);
      assert.ok(buttons.has(step.command), `no walkthrough step has a button for ${step.command}`);
    }
  });
});

describe('walkthrough commands', () => {
  const mine = ['llmPipeline.openWalkthrough', 'llmPipeline.openDiscussions', ...tryItSteps.map((t) => t.command)];
  const glue = fs.readdirSync(path.join(root, 'extension', 'walkthrough'))
    .map((f) => fs.readFileSync(path.join(root, 'extension', 'walkthrough', f), 'utf8'))
    .join('\n');

  it('are contributed in the "LLM Pipeline" category and registered by extension/walkthrough', () => {
    for (const command of mine) {
      const entry = manifest.contributes.commands.find((c) => c.command === command);
      assert.ok(entry, `${command} is missing from contributes.commands`);
      assert.equal(entry.category, 'LLM Pipeline', `${command}: category`);
      assert.ok(glue.includes(`'${command}'`), `${command} is not registered in extension/walkthrough`);
    }
  });

  it('hide the "Try it" commands from the command palette, where the inspectors themselves are', () => {
    for (const step of tryItSteps) {
      const clause = manifest.contributes.menus.commandPalette.find((m) => m.command === step.command);
      assert.equal(clause?.when, 'false', `${step.command} needs a commandPalette entry with when "false"`);
    }
  });

  it('"Try it" passages lie on one line of the sample story shipped with the extension', () => {
    const sample = fs.readFileSync(path.join(root, ...SAMPLE_STORY_PATH), 'utf8');
    for (const step of tryItSteps) {
      if (!('passage' in step)) continue;
      const { start, end } = passageRange(sample, step.passage);
      assert.equal(sample.slice(start, end), step.passage);
      assert.ok(!step.passage.includes('\n'), `${step.command}: the passage should not span lines (CRLF checkouts)`);
    }
    assert.throws(() => passageRange(sample, 'no such passage'), /sample story does not contain the passage "no such passage"/);
  });

  it('"Try it" questions are asked of the samples folder, which holds words they share', () => {
    const folder = path.join(root, ...SAMPLES_FOLDER_PATH);
    const text = fs.readdirSync(folder).map((f) => fs.readFileSync(path.join(folder, f), 'utf8')).join('\n').toLowerCase();
    const questions = tryItSteps.filter((step) => 'question' in step);
    assert.ok(questions.length > 0);
    for (const step of questions) {
      assert.ok(registered.has(step.attach), `${step.command} attaches with ${step.attach}, which package.json does not register`);
      const words = step.question.toLowerCase().match(/[a-z]{4,}/g) ?? [];
      assert.ok(words.some((w) => text.includes(w)), `no word of "${step.question}" occurs in ${SAMPLES_FOLDER_PATH.join('/')}`);
    }
  });

  it('open the GitHub Discussions page of the repository in package.json', () => {
    assert.equal(discussionsUrl(manifest.repository.url), 'https://github.com/llm-pipeline-lab/llm-pipeline-lab/discussions');
    assert.equal(discussionsUrl('git+https://github.com/a/b.git'), 'https://github.com/a/b/discussions');
    assert.equal(discussionsUrl('https://github.com/a/b/'), 'https://github.com/a/b/discussions');
    assert.throws(() => discussionsUrl('https://gitlab.com/a/b'), /is not an https:\/\/github.com\/OWNER\/REPO address/);
  });
});

describe('package.json strings', () => {
  it('the extension\'s description claims to run only what a registered command runs', () => {
    // Each thing the description says the learner can run, and the command that runs it. A new
    // inspector joins this table, and the description, in the release that registers it.
    const runs: Record<string, string> = {
      tokenization: 'llmPipeline.tokenizeSelection',
      attention: 'llmPipeline.inspectAttention',
      decoding: 'llmPipeline.decodingPlayground',
      training: 'llmPipeline.trainModel',
      'retrieval (RAG)': 'llmPipeline.askRagFolder',
    };
    const description = readNls().description;
    const claimed = /\bRun (.+?) for real on your own text/.exec(description)?.[1];
    assert.ok(claimed, `the description should say what can be run ("Run … for real on your own text"): ${description}`);
    for (const item of claimed.split(/, | and /)) {
      const command = runs[item];
      assert.ok(command, `the description claims "${item}" can be run; add it to this table with the command that runs it`);
      assert.ok(registered.has(command), `the description claims "${item}", but ${command} is not registered`);
    }
  });

  it('are all in package.nls.json, which holds no key package.json does not use', () => {
    const used = new Set(nlsKeys(rawManifest()));
    const nls = readNls();
    assert.ok(used.size > 40, 'titles, descriptions and settings are localizable');
    assert.deepEqual([...used].filter((key) => !(key in nls)), [], 'keys without an English string');
    assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), [], 'strings no key uses');
  });
});

describe('snippet contribution', () => {
  it('contributes snippets/typescript.json for TypeScript and snippets/python.json for Python', () => {
    const byLanguage = new Map(manifest.contributes.snippets.map((s) => [s.language, s.path]));
    assert.equal(byLanguage.get('typescript'), './snippets/typescript.json');
    assert.equal(byLanguage.get('python'), './snippets/python.json');
    for (const file of byLanguage.values()) assert.ok(fs.existsSync(path.join(root, file)), `${file} does not exist`);
  });
});

describe('content error report template', () => {
  it('asks which step and page is wrong, what it says, and what is right, with a source', () => {
    const template = fs.readFileSync(path.join(root, '.github', 'ISSUE_TEMPLATE', 'content-error.yml'), 'utf8');
    assert.match(template, /^name: /m);
    for (const step of expectedSteps) assert.ok(template.includes(step[2]), `the template should list ${step[2]}`);
    assert.match(template, /id: correction/);
    assert.match(template, /id: source/);
  });

  it('sends questions to the same discussions page as "Open Discussions"', () => {
    const config = fs.readFileSync(path.join(root, '.github', 'ISSUE_TEMPLATE', 'config.yml'), 'utf8');
    assert.ok(config.includes(`url: ${discussionsUrl(manifest.repository.url)}\n`), 'config.yml contact link');
  });
});
