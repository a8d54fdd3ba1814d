// Reads the drawing palette from VS Code's theme variables on the webview's root element, and
// tells when the theme changes (VS Code swaps the body's class and the variables together).
import type { Palette } from './draw/palette';

function cssVariable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => cssVariable(style, name, fallback);
  const size = parseFloat(v('--vscode-font-size', '13')) || 13;
  const fonts = {
    ui: v('--vscode-font-family', 'sans-serif'),
    mono: v('--vscode-editor-font-family', 'monospace'),
    size,
  };
  return {
    background: v('--vscode-editor-background', '#1e1e1e'),
    foreground: v('--vscode-editor-foreground', v('--vscode-foreground', '#cccccc')),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    accent: v('--vscode-charts-blue', '#3794ff'),
    highlight: v('--vscode-charts-orange', '#d18616'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#454545')),
    focus: v('--vscode-focusBorder', '#007fd4'),
    fonts,
    charWidth: measureCharWidth(fonts.mono, size),
  };
}

function measureCharWidth(font: string, size: number): number {
  const context = new OffscreenCanvas(1, 1).getContext('2d');
  if (!context) return size * 0.6;
  context.font = `${size}px ${font}`;
  return context.measureText('0123456789abcdefghij').width / 20 || size * 0.6;
}

/** Calls `onChange` after every theme switch; returns the function that stops watching. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
  return () => observer.disconnect();
}
