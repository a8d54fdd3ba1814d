// Questions and discussion happen on the project's GitHub Discussions page. Its address is derived
// from the repository URL in package.json, so a fork that changes the repository changes it too.

/** `https://github.com/OWNER/REPO/discussions` for a GitHub repository URL as package.json may write it. */
export function discussionsUrl(repositoryUrl: string): string {
  const match = /^(?:git\+)?https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(repositoryUrl.trim());
  if (!match) throw new Error(`package.json repository.url "${repositoryUrl}" is not an https://github.com/OWNER/REPO address`);
  return `https://github.com/${match[1]}/${match[2]}/discussions`;
}
