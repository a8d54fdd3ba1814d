// Where a file's own structure says a new part begins: a Markdown heading, or a top-level
// declaration in code (a line at column 0 that starts a function, class, type...). The chunker
// keeps these boundaries, so a chunk holds one section (or several small ones) rather than the end
// of one and the start of the next. Plain text has no such structure: it is one section.

export type FileKind = 'markdown' | 'code' | 'text';

const MARKDOWN = new Set(['.md', '.markdown', '.mdx']);
const CODE = new Set([
  '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.py', '.go', '.rs', '.java', '.kt', '.c', '.h', '.cc', '.cpp', '.hpp',
  '.cs', '.rb', '.php', '.swift', '.scala', '.lua', '.sh',
]);

export function fileKind(extension: string): FileKind {
  const ext = extension.toLowerCase();
  return MARKDOWN.has(ext) ? 'markdown' : CODE.has(ext) ? 'code' : 'text';
}

const HEADING = /^#{1,6}\s+\S/;
// A declaration that starts at column 0, with the modifiers that may come first.
const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:pub(?:\(\w+\))?\s+)?(?:async\s+)?(?:abstract\s+)?(?:function|class|interface|type|enum|const|let|var|def|fn|struct|impl|trait|func|namespace|module)\b/;

export interface Section {
  /** UTF-16 offset where the section starts in the file. */
  readonly start: number;
  /** The heading or declaration line that opens it ('' for the part before the first one). */
  readonly title: string;
}

/** Sections in file order; the first always starts at 0. */
export function findSections(text: string, kind: FileKind): Section[] {
  const sections: Section[] = [{ start: 0, title: '' }];
  if (kind === 'text') return sections;
  const opens = kind === 'markdown' ? HEADING : DECLARATION;
  let inFence = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    // A '#' inside a fenced code block is a comment, not a heading.
    if (kind === 'markdown' && /^(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && opens.test(line)) {
      if (offset === 0) sections[0] = { start: 0, title: line.trim() };
      else sections.push({ start: offset, title: line.trim() });
    }
    offset += line.length + 1;
  }
  return sections;
}
