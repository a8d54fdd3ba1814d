// A fingerprint of a model folder for results files: SHA-256 over config.json, tokenizer.json and
// the weights the runtime loads (the decode graph, else model.safetensors), each file's name and
// bytes in turn. Two runs with the same hash ran the same model; the files are streamed, so a
// large model is never held in memory for it.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelFolder } from '../modelFolder/readModelFolder';

export async function modelHash(folder: ModelFolder): Promise<string> {
  const weights = folder.onnxFiles[0] ? path.join(folder.dir, folder.onnxFiles[0]) : folder.safetensorsFile;
  const files = [path.join(folder.dir, 'config.json'), path.join(folder.dir, 'tokenizer.json'), ...(weights ? [weights] : [])];
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${path.relative(folder.dir, file)}\0`);
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
