import { css } from 'lit';

export const beamTreeStyles = css`
  :host {
    display: block;
    overflow: auto;
    max-height: 60vh;
  }
  svg {
    display: block;
    font-size: 11px;
  }
  text {
    fill: var(--vscode-foreground);
    font-family: var(--vscode-editor-font-family);
    dominant-baseline: central;
  }
  .head {
    fill: var(--vscode-descriptionForeground);
    font-family: var(--vscode-font-family);
  }
  .token.pruned {
    fill: var(--vscode-disabledForeground, var(--vscode-descriptionForeground));
    fill-opacity: 0.7;
  }
  .best .token {
    font-weight: 700;
  }
  .edge {
    stroke: var(--vscode-descriptionForeground);
    stroke-width: 1;
    stroke-opacity: 0.6;
  }
  .edge.pruned {
    stroke-opacity: 0.2;
  }
  .edge.best {
    stroke: var(--vscode-charts-green);
    stroke-width: 3;
    stroke-opacity: 1;
  }
  .root {
    fill: var(--vscode-foreground);
  }
  .node.kept {
    fill: var(--vscode-charts-blue);
  }
  .node.pruned {
    fill: none;
    stroke: var(--vscode-descriptionForeground);
    stroke-opacity: 0.5;
  }
  .node.finished {
    fill: var(--vscode-charts-green);
  }
`;
