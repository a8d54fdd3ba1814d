// Questions and discussion happen on the project's GitHub Discussions page. Its address is derived
// from the repository URL in package.json, so a fork that changes the repository changes it too.
// Each walkthrough page ends with "Ask about this step", a command link that passes the step's
// number: it opens the discussions searched for that step, where earlier questions about it are
// and a new one can be started.

/** The walkthrough's steps are numbered 1 to 8, as in the page titles ("Step 2 · …"). */
export const STEP_COUNT = 8;

/** `https://github.com/OWNER/REPO/discussions` for a GitHub repository URL as package.json may write it. */
export function discussionsUrl(repositoryUrl: string): string {
  const match = /^(?:git\+)?https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(repositoryUrl.trim());
  if (!match) throw new Error(`package.json repository.url "${repositoryUrl}" is not an https://github.com/OWNER/REPO address`);
  return `https://github.com/${match[1]}/${match[2]}/discussions`;
}

/** The discussions searched for the phrase "Step N" (GitHub's `discussions_q` search parameter). */
export function stepDiscussionsUrl(repositoryUrl: string, step: unknown): string {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > STEP_COUNT) throw new Error(`the walkthrough step must be a whole number from 1 to ${STEP_COUNT}, got ${JSON.stringify(step)}`);
  return `${discussionsUrl(repositoryUrl)}?discussions_q=${encodeURIComponent(`"Step ${step}"`)}`;
}
