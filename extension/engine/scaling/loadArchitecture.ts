// Where an architecture comes from: a config.json file, a model folder (its config.json) or a
// preset's id. Each problem names the file it is about.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonObject } from '../modelFolder/jsonFile';
import { type Architecture, architectureFromConfig } from './architecture';
import { PRESETS, presetById } from './presets';

/** Reads `target`: a config.json, a folder holding one, or a preset id (see presets.ts). */
export function loadArchitecture(target: string): Architecture {
  const preset = presetById(target);
  if (preset) return architectureFromConfig(preset.config, `${preset.label} (${preset.source})`);
  if (!fs.existsSync(target)) {
    throw new Error(`${target}: no such file or folder, and not a preset (${PRESETS.map((p) => p.id).join(', ')})`);
  }
  const file = fs.statSync(target).isDirectory() ? path.join(target, 'config.json') : target;
  return architectureFromConfig(readJsonObject(file, file), file);
}
