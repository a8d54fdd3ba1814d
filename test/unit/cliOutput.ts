// What a CLI command prints on stdout (console.log), with its progress on stderr silenced.
export async function printed(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  console.error = () => {};
  try {
    await run();
  } finally {
    [console.log, console.error] = [log, error];
  }
  return lines.join('\n');
}
