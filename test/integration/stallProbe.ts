// How long the extension host's event loop stops turning: a 20 ms timer on this thread (the
// host's: integration tests run inside it) records its longest delay until stopped.

export function stallProbe(): { stop(): number } {
  const period = 20;
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - period);
    last = now;
  }, period);
  return { stop: () => (clearInterval(timer), longest) };
}
