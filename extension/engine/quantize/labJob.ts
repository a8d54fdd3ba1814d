// Starts the quantization lab in a child process (labWorker.ts) and settles on its one result.

import { startChildJob, type ChildJob } from '../workers/childJob';
import type { LabProgress, LabRequest, LabResult } from './labProtocol';

export function startQuantizationLab(request: LabRequest, workerScript: string, onProgress?: (progress: LabProgress) => void): ChildJob<LabResult> {
  return startChildJob<LabProgress, LabResult>(workerScript, request, 'quantization', onProgress);
}
