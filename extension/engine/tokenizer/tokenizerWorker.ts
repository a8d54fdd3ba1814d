// The tokenizer worker's entry point, bundled to dist/tokenizerWorker.js and started as a child
// process by tokenizerWorkers.ts with memory and time limits: it runs the jobs of tokenizerJobs.ts.

import { serveRequests } from '../workers/requestServer';
import { TokenizerJobs, type TokenizerJob } from './tokenizerJobs';

const jobs = new TokenizerJobs();
serveRequests<TokenizerJob>('tokenizerWorker.js', (job, begin) => jobs.run(job, begin));
