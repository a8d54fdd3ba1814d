// Workspace Trust for loaded files (issue 17): a model folder, tokenizer or chat template inside a
// folder of an untrusted workspace is not loaded; files outside it, and anything once trusted, are.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { untrustedFolderHolding } from '../../../extension/trust/trustRule';

describe('Workspace Trust for files the extension loads', () => {
  const ws = path.resolve('/work/project');
  const other = path.resolve('/work/other');

  it('a file inside a folder of an untrusted workspace names that folder', () => {
    assert.equal(untrustedFolderHolding(path.join(ws, 'models', 'evil', 'tokenizer.json'), [other, ws], false), ws);
    assert.equal(untrustedFolderHolding(ws, [ws], false), ws, 'the folder itself');
    assert.equal(untrustedFolderHolding(path.join(ws, '..notes', 'tokenizer.json'), [ws], false), ws, 'a name starting with two dots is inside');
  });

  it('a file outside the workspace folders, or any file once trusted, loads', () => {
    assert.equal(untrustedFolderHolding(path.resolve('/home/me/models/gpt2'), [ws], false), undefined);
    assert.equal(untrustedFolderHolding(path.resolve('/work/project-2/tokenizer.json'), [ws], false), undefined, 'a sibling whose name starts the same');
    assert.equal(untrustedFolderHolding(path.join(ws, '..', 'x.json'), [ws], false), undefined, '.. leads out');
    assert.equal(untrustedFolderHolding(path.join(ws, 'tokenizer.json'), [ws], true), undefined);
  });
});
