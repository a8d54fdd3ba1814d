import { css } from 'lit';

export const cacheChartStyles = css`
  :host {
    display: block;
    overflow-x: auto;
  }
  svg {
    display: block;
    font-size: 11px;
  }
  .summary {
    margin: 4px 0 8px;
  }
  text {
    fill: var(--vscode-descriptionForeground);
    font-family: var(--vscode-font-family);
    dominant-baseline: central;
  }
  .title {
    fill: var(--vscode-foreground);
    font-weight: 600;
    font-size: 12px;
  }
  .end {
    text-anchor: end;
  }
  .axis {
    stroke: var(--vscode-descriptionForeground);
    stroke-width: 1;
  }
  .memory {
    fill: none;
    stroke: var(--vscode-charts-purple);
    stroke-width: 2;
  }
  .token-dot {
    fill: var(--vscode-charts-purple);
  }
  .prefill-dot,
  .prefill {
    fill: var(--vscode-charts-orange);
  }
  .token {
    fill: var(--vscode-charts-blue);
  }
`;
