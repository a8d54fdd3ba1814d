// Where a training run keeps its checkpoints: `last` (resumed from) and `best` (lowest validation
// loss) inside its output folder. Apart from the run's set-up, which loads the training graph, so
// that the extension can find a run's folders without loading it.

import * as path from 'node:path';

export const lastFolder = (outDir: string): string => path.join(outDir, 'last');
export const bestFolder = (outDir: string): string => path.join(outDir, 'best');
