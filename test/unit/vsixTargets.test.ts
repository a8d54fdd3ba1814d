// Each platform's VSIX carries only the onnxruntime-node files its binding loads
// (test/harness/vsixTargets.ts). These tests read the binaries themselves: every library of the
// platform's folder that the binding or ONNX Runtime imports at load time is packed, and what is
// left out is loaded only on demand (Windows' delay-load table). They also check the package
// script's contents check refuses a wrong listing.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkContents } from '../harness/package-vsix';
import { binaryPaths, ORT_BINARIES, parseTargets, runtimeIncludes, UNIVERSAL_TARGET, VSIX_TARGETS, type VsixTarget, WASM_RUNTIME_FILES } from '../harness/vsixTargets';

const REPO = path.resolve(__dirname, '../..');
const folderOf = (target: VsixTarget) => path.join(REPO, ORT_BINARIES, ...target.binaryDir.split('/'));

/** The DLL names of a PE file's import table (directory 1) or delay-import table (directory 13). */
function peImports(file: string, directory: 1 | 13): string[] {
  const pe = fs.readFileSync(file);
  const header = pe.readUInt32LE(0x3c);
  const sections = pe.readUInt16LE(header + 6);
  const optional = header + 24;
  const dataDirectories = optional + (pe.readUInt16LE(optional) === 0x20b ? 112 : 96);
  const table = pe.readUInt32LE(dataDirectories + directory * 8);
  const sectionTable = optional + pe.readUInt16LE(header + 20);
  const offset = (rva: number): number => {
    for (let i = 0; i < sections; i++) {
      const at = sectionTable + i * 40;
      const [size, address, raw] = [pe.readUInt32LE(at + 8), pe.readUInt32LE(at + 12), pe.readUInt32LE(at + 20)];
      if (rva >= address && rva < address + size) return rva - address + raw;
    }
    throw new Error(`${file}: RVA ${rva} is in no section`);
  };
  const names: string[] = [];
  if (table === 0) return names;
  // An import descriptor is 20 bytes with its name's RVA at +12; a delay-import descriptor is 32 with it at +4.
  const [stride, nameAt] = directory === 1 ? [20, 12] : [32, 4];
  for (let at = offset(table); pe.readUInt32LE(at + nameAt) !== 0; at += stride) {
    const name = offset(pe.readUInt32LE(at + nameAt));
    names.push(pe.toString('latin1', name, pe.indexOf(0, name)));
  }
  return names;
}

describe('the VSIX targets', () => {
  it('cover every platform onnxruntime-node ships binaries for, and each target\'s files exist', () => {
    const shipped = fs.readdirSync(path.join(REPO, ORT_BINARIES)).flatMap((os) => fs.readdirSync(path.join(REPO, ORT_BINARIES, os)).map((arch) => `${os}/${arch}`));
    assert.deepEqual(VSIX_TARGETS.map((t) => t.binaryDir).sort(), shipped.sort());
    for (const target of VSIX_TARGETS) for (const file of binaryPaths(target)) assert.ok(fs.existsSync(path.join(REPO, file)), `${file} is missing`);
  });

  for (const target of VSIX_TARGETS.filter((t) => t.target.startsWith('win32'))) {
    it(`${target.target}: every DLL of the folder imported at load time is packed; DirectML's are delay-loaded`, () => {
      const inFolder = new Set(fs.readdirSync(folderOf(target)).map((f) => f.toLowerCase()));
      const packed = new Set(target.binaryFiles.map((f) => f.toLowerCase()));
      for (const file of target.binaryFiles.filter((f) => /\.(dll|node)$/.test(f))) {
        const loaded = peImports(path.join(folderOf(target), file), 1).map((n) => n.toLowerCase()).filter((n) => inFolder.has(n));
        assert.deepEqual(loaded.filter((n) => !packed.has(n)), [], `${file} imports a DLL the VSIX leaves out`);
      }
      const dll = path.join(folderOf(target), 'onnxruntime.dll');
      assert.ok(peImports(dll, 13).includes('DirectML.dll'), 'onnxruntime.dll delay-loads DirectML.dll');
      assert.ok(peImports(path.join(folderOf(target), 'onnxruntime_binding.node'), 1).includes('onnxruntime.dll'));
    });
  }

  for (const target of VSIX_TARGETS.filter((t) => !t.target.startsWith('win32'))) {
    it(`${target.target}: the binding names the library the VSIX packs`, () => {
      const binding = fs.readFileSync(path.join(folderOf(target), 'onnxruntime_binding.node'));
      const library = target.binaryFiles.find((f) => f !== 'onnxruntime_binding.node') as string;
      // ELF's DT_NEEDED and Mach-O's LC_LOAD_DYLIB hold the name as a string ("@rpath/" before it on macOS).
      assert.ok(binding.includes(Buffer.from(`${target.target.startsWith('darwin') ? '@rpath/' : ''}${library}\0`)), `the binding does not name ${library}`);
    });
  }

  it('the package script refuses a listing with another platform\'s binary, a missing one, or the model\'s graph', () => {
    const [linux] = parseTargets('linux-x64');
    const good = ['package.json', 'dist/extension.js', 'dist/graphFolderWorker.js', 'models/tinystories-1m/model.safetensors', ...binaryPaths(linux)];
    checkContents(good, linux);
    assert.throws(() => checkContents([...good, `${ORT_BINARIES}/win32/x64/onnxruntime.dll`], linux), /win32\/x64\/onnxruntime\.dll: not a linux-x64 binary/);
    assert.throws(() => checkContents([...good, `${ORT_BINARIES}/linux/x64/libonnxruntime.so.1.30.0`], linux), /not a linux-x64 binary/);
    assert.throws(() => checkContents(good.filter((f) => !f.endsWith('libonnxruntime.so.1')), linux), /libonnxruntime\.so\.1: missing/);
    assert.throws(() => checkContents([...good, 'models/tinystories-1m/onnx/model.onnx'], linux), /ships as model\.safetensors only/);
    assert.throws(() => checkContents([...good, 'corpus/tinystories.txt'], linux), /not a path that may ship/);
    assert.throws(() => parseTargets('darwin-x64'), /not a target/);
    assert.equal(parseTargets('all').length, VSIX_TARGETS.length + 1);
    assert.throws(() => checkContents([...good, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'], linux), /ships in the universal VSIX only/);
  });

  it('the universal VSIX carries the WebAssembly build the engine loads, whole, and no native binary', () => {
    const [universal] = parseTargets('universal');
    assert.equal(universal, UNIVERSAL_TARGET);
    for (const file of WASM_RUNTIME_FILES) assert.ok(fs.existsSync(path.join(REPO, file)), `${file} is installed`);
    const common = 'node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/cjs/index.js';
    const good = ['package.json', 'dist/extension.js', 'dist/graphFolderWorker.js', 'node_modules/onnxruntime-node/dist/index.js', ...WASM_RUNTIME_FILES, common];
    checkContents(good, universal);
    assert.ok(runtimeIncludes(universal).every((p) => p.startsWith('node_modules/onnxruntime-web/')));
    assert.throws(() => checkContents([...good, `${ORT_BINARIES}/linux/x64/libonnxruntime.so.1`], universal), /not a universal binary/);
    assert.throws(() => checkContents([...good, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm'], universal), /not a file of the WebAssembly build/);
    assert.throws(() => checkContents([...good, 'node_modules/onnxruntime-web/dist/ort.node.min.js.map'], universal), /not a file of the WebAssembly build/);
    assert.throws(() => checkContents(good.filter((f) => !f.endsWith('.wasm')), universal), /ort-wasm-simd-threaded\.wasm: missing/);
    assert.throws(() => checkContents(good.filter((f) => f !== common), universal), /index\.js: missing/);
  });
});
