// Whether a path lies inside a folder, by path alone (no links resolved): what a file watcher, a
// trust check or a walk needs before it acts on a path it was given.

import * as path from 'node:path';

/** `relative` with '/' separators, as the index and the globs write paths. */
export function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

/**
 * `file` relative to `root` with '/' separators, or undefined when it is not inside `root`
 * ('..', '../x', another drive, or `root` itself). A name that only starts with two dots
 * ("..notes.md") is inside.
 */
export function relativeInside(root: string, file: string): string | undefined {
  const relative = path.relative(path.resolve(root), path.resolve(file));
  if (!relative || path.isAbsolute(relative) || relative === '..' || relative.startsWith(`..${path.sep}`)) return undefined;
  return toPosix(relative);
}

/** Whether `file` is `root` or lies inside it. */
export function isAtOrInside(root: string, file: string): boolean {
  return path.resolve(root) === path.resolve(file) || relativeInside(root, file) !== undefined;
}
