// Hostile folders attached for RAG (issue 17, items 4 and 8, and the catalogue's file-system
// entries): links out of the folder, FIFOs (also as .gitignore), link loops, binary, empty and
// vanishing files, names that are not UTF-8 or start with two dots, a stuck worker job, and an
// index whose two files do not belong together. Everything runs the real walker, reader, embedder
// and store; each case ends within 5 s and says what was left out and why.
import { createHash } from 'node:crypto';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Embedder } from '../../../extension/engine/rag/embedder';
import { buildIndex, readIndexableFile, updateFile, type IndexerParts } from '../../../extension/engine/rag/indexer';
import { loadIndex, saveIndex } from '../../../extension/engine/rag/indexStore';
import { IndexWorkerHost } from '../../../extension/engine/rag/indexWorkerHost';
import { openModelEmbedder } from '../../../extension/engine/rag/modelEmbedder';
import { relativeInside } from '../../../extension/engine/files/insideFolder';
import { isWalked, walkFolder } from '../../../extension/engine/rag/walkFolder';
import { HfTextTokenizer } from '../../../extension/engine/tokenizer/hfTokenizer';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from '../modelFolderFixtures';
import { RAG_TEST_SETTINGS, writeRagTestModel } from '../ragFixture';
import { failsWithin, succeedsWithin } from './bounded';

const posix = process.platform !== 'win32';
const SECRET = 'the launch code is 0000';

describe('hostile folders attached for RAG', function () {
  this.timeout(60_000);
  let temp: string;
  let root: string;
  let embedder: Embedder;
  let parts: IndexerParts;
  let run = 0;

  before(async function () {
    if (!posix) this.skip(); // links and FIFOs as POSIX makes them
    temp = makeTempDir('hostile-rag');
    embedder = await openModelEmbedder(writeRagTestModel(temp), { threads: 1 });
    parts = { tokenizer: new HfTextTokenizer('bytes', byteLevelTokenizerJson()), embedder, settings: RAG_TEST_SETTINGS };
  });
  after(async () => {
    await embedder?.release();
    if (temp) removeTempDir(temp);
  });
  beforeEach(() => {
    const base = path.join(temp, `case-${run++}`);
    root = path.join(base, 'attached');
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(base, 'secret.txt'), `${SECRET}\n`);
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(base, 'outside', 'secret.txt'), `${SECRET}\n`);
    fs.writeFileSync(path.join(root, 'docs', 'tides.md'), '# Tides\n\nSpring tides follow the full and new moon.\n');
  });

  const texts = async () => {
    const { index, report } = await succeedsWithin(() => buildIndex(root, parts));
    return { all: [...index.chunks.values()].map((c) => c.text).join('\n'), index, report };
  };

  it('a link to ../secret.txt is neither walked nor read, and an update through the watcher path skips it', async () => {
    fs.symlinkSync(path.join(root, '..', 'secret.txt'), path.join(root, 'docs', 'notes.txt'));
    const { all, index } = await texts();
    assert.ok(!all.includes(SECRET));
    const read = await readIndexableFile(root, 'docs/notes.txt', 1e6);
    assert.deepEqual(read, { file: 'docs/notes.txt', reason: 'unreadable', detail: 'is a symbolic link; links are not followed' });
    const update = await succeedsWithin(() => updateFile(index, parts, 'docs/notes.txt'));
    assert.equal(update.kind, 'skipped');
    assert.ok(![...index.chunks.values()].some((c) => c.text.includes(SECRET)));
  });

  it('a file reached through a linked folder is refused on read', async () => {
    fs.symlinkSync(path.join(root, '..', 'outside'), path.join(root, 'linked'));
    const { all } = await texts();
    assert.ok(!all.includes(SECRET), 'the walk does not enter a linked folder');
    assert.deepEqual(await readIndexableFile(root, 'linked/secret.txt', 1e6), { file: 'linked/secret.txt', reason: 'unreadable', detail: 'lies outside the folder, through a linked folder' });
  });

  it('a FIFO among the files, and a FIFO .gitignore, block nothing', async () => {
    execFileSync('mkfifo', [path.join(root, 'docs', 'pipe.txt')]);
    execFileSync('mkfifo', [path.join(root, '.gitignore')]);
    const { report } = await texts();
    assert.equal(report.files, 1);
    const walked = await succeedsWithin(() => walkFolder(root, RAG_TEST_SETTINGS.walk));
    assert.deepEqual(walked.files, ['docs/tides.md']);
    assert.equal(await succeedsWithin(() => isWalked(root, 'docs/pipe.txt', RAG_TEST_SETTINGS.walk)), true);
    assert.deepEqual(await succeedsWithin(() => readIndexableFile(root, 'docs/pipe.txt', 1e6)), { file: 'docs/pipe.txt', reason: 'unreadable', detail: 'is a FIFO (named pipe), not a file' });
  });

  it('a loop of symbolic links ends the walk and is skipped on read', async () => {
    fs.symlinkSync(path.join(root, 'b'), path.join(root, 'a'));
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'b'));
    fs.symlinkSync(root, path.join(root, 'docs', 'self'));
    const { report } = await texts();
    assert.equal(report.files, 1);
    assert.equal((await readIndexableFile(root, 'a', 1e6) as { detail: string }).detail, 'is a symbolic link; links are not followed');
  });

  it('binary and empty files: one skipped as binary, the other indexed with no chunks', async () => {
    fs.writeFileSync(path.join(root, 'docs', 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    fs.writeFileSync(path.join(root, 'docs', 'empty.md'), '');
    const { report, index } = await texts();
    assert.deepEqual(report.skipped, [{ file: 'docs/image.txt', reason: 'binary', detail: 'holds NUL bytes' }]);
    assert.equal(index.files.get('docs/empty.md')?.chunkIds.length, 0);
  });

  it('a file that vanishes between the walk and its read is counted, not fatal', async () => {
    fs.writeFileSync(path.join(root, 'docs', 'gone.md'), 'here a moment\n');
    const { report } = await succeedsWithin(() =>
      buildIndex(root, parts, { onProgress: ({ file }) => file === 'docs/gone.md' && fs.rmSync(path.join(root, file)) }),
    );
    assert.deepEqual(report.skipped, [{ file: 'docs/gone.md', reason: 'unreadable', detail: 'no longer exists' }]);
  });

  it('a name that is not valid UTF-8 is reported as such', async function () {
    const name = Buffer.concat([Buffer.from(`${root}/docs/caf`), Buffer.from([0xe9]), Buffer.from('.md')]);
    try {
      fs.writeFileSync(name, 'latin-1 name\n');
    } catch {
      this.skip(); // a file system that refuses such names (macOS APFS) cannot hold the attack
    }
    const { report } = await texts();
    assert.deepEqual(report.skipped, [{ file: 'docs/caf\uFFFD.md', reason: 'unreadable', detail: 'its name is not valid UTF-8, so it cannot be opened by name' }]);
  });

  it('a file named ..notes.md is inside the folder (and is updated); ../x is not', async () => {
    fs.writeFileSync(path.join(root, '..notes.md'), 'Neap tides come at the quarter moons.\n');
    assert.equal(relativeInside(root, path.join(root, '..notes.md')), '..notes.md');
    assert.equal(relativeInside(root, path.join(root, '..', 'secret.txt')), undefined);
    assert.equal(relativeInside(root, root), undefined);
    const { index } = await texts();
    assert.ok(index.files.has('..notes.md'));
    fs.appendFileSync(path.join(root, '..notes.md'), 'Edited.\n');
    assert.equal((await updateFile(index, parts, '..notes.md')).kind, 'indexed');
    assert.equal(await readIndexableFile(root, '../secret.txt', 1e6).then((r) => ('reason' in r ? r.detail : 'read')), 'is not inside the folder');
  });

  it('vectors.bin from another index of the same length is refused, naming the file', async () => {
    const { index } = await texts();
    const [a, b] = [path.join(temp, `store-a-${run}`), path.join(temp, `store-b-${run}`)];
    saveIndex(a, index);
    const [file, entry] = [...index.files][0];
    const chunks = entry.chunkIds.map((id) => index.chunks.get(id)!);
    index.setFile(file, entry, chunks, chunks.map(() => new Float32Array(index.identity.dimensions).fill(0.5)));
    saveIndex(b, index);
    fs.copyFileSync(path.join(b, 'vectors.bin'), path.join(a, 'vectors.bin'));
    await failsWithin(() => loadIndex(a), /vectors\.bin: is not the file index\.json was written with/);
    assert.ok(await loadIndex(b));
  });

  it('chunks.jsonl from another index is refused, naming the file; a line that is not JSON is named by its number', async () => {
    const { index } = await texts();
    const [a, b] = [path.join(temp, `store-c-${run}`), path.join(temp, `store-d-${run}`)];
    saveIndex(a, index);
    const [file, entry] = [...index.files][0];
    const chunks = entry.chunkIds.map((id) => ({ ...index.chunks.get(id)!, text: 'replaced' }));
    index.setFile(file, entry, chunks, chunks.map((c) => index.vectorOf(c.id)!));
    saveIndex(b, index);
    fs.copyFileSync(path.join(b, 'chunks.jsonl'), path.join(a, 'chunks.jsonl'));
    await failsWithin(() => loadIndex(a), /chunks\.jsonl: is not the file index\.json was written with/);
    // The same damage with a matching hash (a writer that hashed what it broke) is still named.
    const lines = fs.readFileSync(path.join(b, 'chunks.jsonl'), 'utf8').split('\n');
    lines[1] = '{ not json';
    const broken = Buffer.from(lines.join('\n'));
    const stored = JSON.parse(fs.readFileSync(path.join(b, 'index.json'), 'utf8'));
    stored.chunksSha256 = createHash('sha256').update(broken).digest('hex');
    fs.writeFileSync(path.join(b, 'chunks.jsonl'), broken);
    fs.writeFileSync(path.join(b, 'index.json'), JSON.stringify(stored));
    await failsWithin(() => loadIndex(b), /chunks\.jsonl: line 2 cannot be read as a chunk/);
  });

  it('a worker job stuck without progress is stopped, and the next job gets a fresh worker', async () => {
    const hang = path.join(temp, 'stuckWorker.js');
    fs.writeFileSync(hang, "process.on('message', () => {}); setInterval(() => {}, 1000);\n");
    const host = new IndexWorkerHost(hang, { fileMs: 1_000, silentBuildMs: 1_000 });
    try {
      const spec = { tokenizerDir: temp, embedder: { kind: 'model' as const, dir: temp }, settings: RAG_TEST_SETTINGS };
      const pids: Array<number | undefined> = [];
      await failsWithin(() => {
        const job = host.indexFile(root, 'docs/tides.md', spec);
        pids.push(host.pid);
        return job;
      }, /indexing .*docs\/tides\.md showed no progress for 1 s; the RAG index worker was stopped/);
      await failsWithin(() => {
        const job = host.build(root, path.join(temp, 'store-stuck'), spec);
        pids.push(host.pid);
        return job;
      }, /indexing .* showed no progress for 1 s/);
      assert.ok(pids[0] !== undefined && pids[1] !== undefined && pids[0] !== pids[1], `two processes: ${pids.join(', ')}`);
    } finally {
      host.dispose();
    }
  });
});
