import { css } from 'lit';

export const generatedTextStyles = css`
  :host {
    display: block;
    overflow-x: auto;
  }
  svg {
    display: block;
  }
  text {
    fill: var(--vscode-editor-foreground);
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    dominant-baseline: central;
    white-space: pre;
  }
  .prompt {
    fill: var(--vscode-descriptionForeground);
  }
  .shade {
    fill: var(--vscode-charts-blue);
  }
  .underline {
    stroke: var(--vscode-charts-orange);
    stroke-width: 2;
  }
`;
