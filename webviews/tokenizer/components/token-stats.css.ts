import { css } from 'lit';

export const tokenStatsStyles = css`
  dl {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 18px;
    margin: 6px 0;
  }
  div {
    display: flex;
    gap: 6px;
    align-items: baseline;
  }
  dt {
    color: var(--vscode-descriptionForeground);
  }
  dd {
    margin: 0;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
`;
