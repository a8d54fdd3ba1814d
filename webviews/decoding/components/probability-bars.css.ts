import { css } from 'lit';

export const probabilityBarsStyles = css`
  :host {
    display: block;
    overflow-x: auto;
  }
  svg {
    display: block;
    font-size: 12px;
  }
  svg:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
  }
  text {
    fill: var(--vscode-foreground);
    dominant-baseline: central;
    font-family: var(--vscode-font-family);
  }
  .label {
    text-anchor: end;
    font-family: var(--vscode-editor-font-family);
  }
  .value,
  .legend-text {
    fill: var(--vscode-descriptionForeground);
  }
  .hit {
    fill: transparent;
    cursor: pointer;
  }
  .row:hover .hit,
  .row.focused .hit {
    fill: var(--vscode-list-hoverBackground);
  }
  svg:focus .row.focused .hit {
    stroke: var(--vscode-focusBorder);
    stroke-width: 1;
  }
  .model {
    fill: none;
    stroke: var(--vscode-foreground);
    stroke-width: 1;
    stroke-dasharray: 3 2;
    stroke-opacity: 0.7;
  }
  .tempered {
    fill: var(--vscode-charts-blue);
    fill-opacity: 0.3;
  }
  .final {
    fill: var(--vscode-charts-blue);
  }
  .cut .tempered {
    fill: var(--vscode-charts-red);
    fill-opacity: 0.25;
  }
  .cut .label {
    fill: var(--vscode-descriptionForeground);
    text-decoration: line-through;
  }
  .cut .value {
    fill: var(--vscode-charts-red);
  }
  .strike {
    stroke: var(--vscode-charts-red);
    stroke-width: 1.5;
  }
`;
