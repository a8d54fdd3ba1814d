// The dark and high-contrast variants of the walkthrough diagrams. VS Code shows a walkthrough page's
// markdown in a webview whose sanitizer keeps <img> but drops <picture>, `media`, `srcset` and
// `style`, and an SVG shown through <img> cannot read the theme's `--vscode-*` colours. What it can
// read is the colour scheme the webview reports, so each diagram carries its own dark palette in a
// `@media (prefers-color-scheme: dark)` block, and stronger text under `prefers-contrast: more`.
// This module is the one place the palette lives: `themeBlock(svg)` is the CSS a diagram must end
// its <style> with, and the test prints it whenever a diagram's block is missing or out of date.

/**
 * Each light colour the diagrams use, and what it becomes on a dark background: text and outlines
 * turn light, pale fills turn into deep tints of the same hue, so no box glares on a dark theme.
 */
export const DARK_PALETTE: Readonly<Record<string, string>> = {
  // text and neutral lines
  '#1f2328': '#e6edf3',
  '#374151': '#c9d1d9',
  '#4b5563': '#9ca3af',
  '#6b7280': '#9ca3af',
  '#8a8a8a': '#8b949e',
  '#9ca3af': '#6e7681',
  '#d1d5db': '#30363d',
  // neutral fills
  '#e5e7eb': '#2d333b',
  '#f3f4f6': '#262c36',
  '#f9fafb': '#161b22',
  '#ffffff': '#0d1117',
  // pale fills: deep tints of the same hue
  '#dbeafe': '#1e3a5f',
  '#bfdbfe': '#1e4d8c',
  '#dcfce7': '#14532d',
  '#bbf7d0': '#166534',
  '#86efac': '#15633a',
  '#fef3c7': '#4a3410',
  '#fde68a': '#713f12',
  '#ffedd5': '#4a2a10',
  '#fed7aa': '#7c2d12',
  '#ffe4e6': '#4c1d24',
  '#fecaca': '#7f1d1d',
  '#fca5a5': '#991b1b',
  '#ede9fe': '#2e1f5e',
  '#c4b5fd': '#5b21b6',
  '#60a5fa': '#3b82f6',
  '#fb923c': '#ea580c',
  // saturated outlines and marks: lighter shades of the same hue
  '#2563eb': '#60a5fa',
  '#1d4ed8': '#93c5fd',
  '#1e3a8a': '#bfdbfe',
  '#15803d': '#4ade80',
  '#7c3aed': '#a78bfa',
  '#6d28d9': '#c4b5fd',
  '#b45309': '#fbbf24',
  '#be123c': '#fb7185',
  '#b91c1c': '#f87171',
  '#9a3412': '#fdba74',
};

const BLOCK_START = '/* theme: generated from test/unit/diagramTheme.ts */';
const BLOCK_END = '/* end of theme */';
const COLOUR = /#[0-9a-fA-F]{6}\b/g;

/** The diagram's <style> text without the theme block. */
function baseStyle(svg: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? '';
  const start = style.indexOf(BLOCK_START);
  return start < 0 ? style : style.slice(0, start);
}

/** Every colour the diagram uses, in its style rules and in fill and stroke attributes. */
export function coloursUsed(svg: string): string[] {
  const attributes = [...svg.matchAll(/\b(?:fill|stroke)="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1]);
  return [...new Set([...attributes, ...(baseStyle(svg).match(COLOUR) ?? [])].map((c) => c.toLowerCase()))].sort();
}

/** The theme block the diagram must end its <style> with; throws if a colour has no dark variant. */
export function themeBlock(svg: string): string {
  const missing = coloursUsed(svg).filter((c) => !(c in DARK_PALETTE));
  if (missing.length > 0) throw new Error(`no dark variant in DARK_PALETTE (test/unit/diagramTheme.ts) for ${missing.join(', ')}`);
  const dark = (colour: string): string => DARK_PALETTE[colour.toLowerCase()];
  const rules: string[] = [];
  // Presentation attributes first: a class rule that sets the same property wins in light mode, so
  // it must come later here too.
  for (const property of ['fill', 'stroke']) {
    const used = new Set([...svg.matchAll(new RegExp(`\\b${property}="(#[0-9a-fA-F]{6})"`, 'g'))].map((m) => m[1].toLowerCase()));
    for (const colour of [...used].sort()) rules.push(`[${property}="${colour}"] { ${property}: ${dark(colour)}; }`);
  }
  for (const [, selector, body] of baseStyle(svg).matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const declarations = body.split(';').map((d) => d.trim()).filter((d) => /^(fill|stroke)\s*:\s*#[0-9a-fA-F]{6}$/.test(d));
    if (declarations.length > 0) rules.push(`${selector.trim()} { ${declarations.map((d) => d.replace(COLOUR, dark)).join('; ')}; }`);
  }
  return [
    BLOCK_START,
    '@media (prefers-color-scheme: dark) {',
    ...rules.map((r) => `  ${r}`),
    '}',
    '@media (prefers-contrast: more) {',
    '  text { fill: #000000 !important; }',
    '}',
    '@media (prefers-contrast: more) and (prefers-color-scheme: dark) {',
    '  text { fill: #ffffff !important; }',
    '}',
    BLOCK_END,
  ].join('\n');
}

/** The theme block the diagram holds now, or undefined. */
export function currentThemeBlock(svg: string): string | undefined {
  const style = /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? '';
  const start = style.indexOf(BLOCK_START);
  const end = style.indexOf(BLOCK_END);
  if (start < 0 || end < start) return undefined;
  return style.slice(start, end + BLOCK_END.length).split('\n').map((line) => line.trim().length === 0 ? '' : line.replace(/^ {6}/, '')).join('\n');
}

/** The diagram with its theme block written (or rewritten) at the end of its <style>, indented like it. */
export function withThemeBlock(svg: string): string {
  const block = themeBlock(svg).split('\n').map((line) => `      ${line}`).join('\n');
  return svg.replace(/<style>([\s\S]*?)<\/style>/, (_, style: string) => {
    const start = style.indexOf(BLOCK_START);
    const base = (start < 0 ? style : style.slice(0, start)).replace(/\s*$/, '\n');
    return `<style>${base}${block}\n    </style>`;
  });
}
