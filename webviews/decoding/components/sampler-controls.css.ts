import { css } from 'lit';

export const samplerControlsStyles = css`
  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 18px;
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    padding: 6px 10px;
    margin: 8px 0;
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  .knob {
    display: grid;
    grid-template-columns: auto 110px 70px auto;
    align-items: center;
    gap: 6px;
  }
  input[type='range'] {
    accent-color: var(--vscode-button-background);
    width: 110px;
  }
  .number {
    width: 64px;
    color: var(--vscode-input-foreground);
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-input-border, transparent);
    padding: 2px 4px;
  }
  .state {
    min-width: 3em;
  }
`;
