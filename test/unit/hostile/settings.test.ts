// Settings a workspace can set (issue 17, items 4 and 9): sizes have upper bounds that the code
// holds to whatever settings.json says, and settings that point to files or size what is read are
// restricted in untrusted workspaces (package.json declares both; the code agrees with it).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clampSelectionBytes, SELECTION_BYTES_RANGE } from '../../../extension/tokenizer/selectionLimit';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { maximum?: number; minimum?: number; default?: unknown; restricted?: boolean }> } | Array<{ properties: Record<string, { maximum?: number; minimum?: number; default?: unknown; restricted?: boolean }> }> };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const settings = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { maximum?: number; minimum?: number; default?: unknown; restricted?: boolean }>;

describe('hostile settings', () => {
  it('maxSelectionBytes: package.json declares the range the code holds it to', () => {
    const declared = settings['llmPipeline.tokenizer.maxSelectionBytes'];
    assert.equal(declared.maximum, SELECTION_BYTES_RANGE.max);
    assert.equal(declared.minimum, SELECTION_BYTES_RANGE.min);
    assert.equal(declared.default, SELECTION_BYTES_RANGE.default);
  });

  it('maxSelectionBytes from a hostile settings.json is held to the range', () => {
    assert.equal(clampSelectionBytes(1e15), SELECTION_BYTES_RANGE.max);
    assert.equal(clampSelectionBytes(Infinity), SELECTION_BYTES_RANGE.default);
    assert.equal(clampSelectionBytes(-5), SELECTION_BYTES_RANGE.min);
    assert.equal(clampSelectionBytes('9999999999'), SELECTION_BYTES_RANGE.default);
    assert.equal(clampSelectionBytes(4096.7), 4096);
  });

  it('settings that point to files or size what is read are restricted in untrusted workspaces', () => {
    const restricted = ['llmPipeline.rag.embeddingModel', 'llmPipeline.rag.maxFileBytes', 'llmPipeline.tokenizer.maxSelectionBytes'];
    for (const key of restricted) {
      assert.equal(settings[key].restricted, true, `${key} is "restricted": true`);
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), `${key} is in restrictedConfigurations`);
    }
  });

  it('every size setting has a maximum', () => {
    for (const key of ['llmPipeline.tokenizer.maxSelectionBytes', 'llmPipeline.rag.maxFileBytes']) assert.equal(typeof settings[key].maximum, 'number', key);
  });
});
