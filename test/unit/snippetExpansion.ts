// The code snippets as VS Code inserts them: read from snippets/*.json, and expanded with every
// placeholder at its default. Shared by the TypeScript and the Python snippet tests.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface Snippet {
  readonly prefix: string;
  readonly description: string;
  readonly body: readonly string[];
}

export function readSnippets(file: string): Map<string, Snippet> {
  const table = JSON.parse(fs.readFileSync(path.join(root, 'snippets', file), 'utf8')) as Record<string, Snippet>;
  return new Map(Object.values(table).map((s) => [s.prefix, s]));
}

/**
 * The text VS Code inserts for a snippet body when every placeholder keeps its default: `${1:default}`
 * (nested too) becomes its default, `${1|a,b|}` its first choice, `$1` and `${1}` nothing; `\$`,
 * `\}` and `\\` are escapes. Editor variables (`$TM_FILENAME`, `${CLIPBOARD}`) would insert
 * whatever the editor holds, so they are refused, as is a tab stop given two different defaults.
 */
export function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  let at = 0;
  const parse = (inside: boolean): string => {
    let out = '';
    while (at < body.length) {
      const c = body[at];
      if (c === '\\' && '$}\\'.includes(body[at + 1] ?? '')) {
        out += body[at + 1];
        at += 2;
      } else if (inside && c === '}') {
        return out;
      } else if (c === '$' && /\d/.test(body[at + 1] ?? '')) {
        at += /^\d+/.exec(body.slice(at + 1))![0].length + 1;
      } else if (c === '$' && body[at + 1] === '{') {
        const head = /^\$\{(\d+)([:|}])/.exec(body.slice(at));
        if (!head) throw new Error(`editor variable at "${body.slice(at, at + 20)}"`);
        at += head[0].length;
        let value = '';
        if (head[2] === ':') {
          value = parse(true);
          at += 1;
        } else if (head[2] === '|') {
          const end = body.indexOf('|}', at);
          value = body.slice(at, end).split(',')[0];
          at = end + 2;
        }
        const before = defaults.get(head[1]);
        if (before !== undefined && value !== '' && before !== value) throw new Error(`tab stop $${head[1]} has two defaults`);
        if (value !== '') defaults.set(head[1], value);
        out += value;
      } else if (c === '$' && /[A-Za-z_]/.test(body[at + 1] ?? '')) {
        throw new Error(`editor variable at "${body.slice(at, at + 20)}"`);
      } else {
        out += c;
        at += 1;
      }
    }
    if (inside) throw new Error('unclosed placeholder');
    return out;
  };
  return parse(false);
}
