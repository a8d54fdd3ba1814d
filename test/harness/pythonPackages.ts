// The Python package the snippet tests import beyond NumPy, which the machine's python3 has:
// `tokenizers` (Hugging Face's Rust tokenizer, Apache-2.0), for the llm-tokenize snippet.
// `npm run provision` installs it with pip, from whatever package index pip is set up to use, into
// .harness/python/, which the tests put on PYTHONPATH. Tokenizer.from_file needs none of its
// dependencies (they serve downloads from the Hub), so they are left out.
// usage: node --import tsx test/harness/pythonPackages.ts   (also part of npm run provision)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { harnessDir } from './paths';

const PACKAGES = ['tokenizers==0.22.2'];

/** Put on PYTHONPATH to import the provisioned packages. */
export const pythonPackagesDir = path.join(harnessDir, 'python');

export function hasPythonPackages(): boolean {
  return fs.existsSync(path.join(pythonPackagesDir, 'tokenizers', '__init__.py'));
}

/** Installs the packages into .harness/python/ (into a scratch folder first, then renamed); returns at once when they are there. */
export function provisionPythonPackages(): void {
  if (hasPythonPackages()) return;
  console.log(`provision: installing ${PACKAGES.join(', ')} for the Python snippet tests into .harness/python/`);
  const scratch = `${pythonPackagesDir}.${process.pid}.tmp`;
  fs.rmSync(scratch, { recursive: true, force: true });
  const result = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--no-deps', '--retries', '0', '--target', scratch, ...PACKAGES], { encoding: 'utf8' });
  if (result.status !== 0) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`provision: pip install ${PACKAGES.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  }
  fs.rmSync(pythonPackagesDir, { recursive: true, force: true });
  fs.renameSync(scratch, pythonPackagesDir);
}

if (require.main === module) provisionPythonPackages();
