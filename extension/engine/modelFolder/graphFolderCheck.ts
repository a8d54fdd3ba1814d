// Whether a built graph folder (modelFolder/graphFolder.ts) is there and complete. Apart from the
// builder, so that the extension can check at start-up without loading the graph builder and the
// ONNX schema behind it.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const BUILT_GRAPH = 'onnx/model.onnx';

/** A folder holding config.json and the built graph; config.json is copied first, so both mean a finished rename. */
export function isCompleteGraphFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json')) && fs.existsSync(path.join(dir, ...BUILT_GRAPH.split('/')));
}
