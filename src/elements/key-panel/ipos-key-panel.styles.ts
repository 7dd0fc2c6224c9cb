import { css } from 'lit';

export const keyPanelStyles = css`
  .keys {
    display: grid;
    gap: calc(var(--_space) * 1.5);
    margin: 0;
  }
  .key {
    display: grid;
    gap: calc(var(--_space) / 2);
  }
  .key-label {
    font-weight: 600;
  }
  .key-value {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
    margin: 0;
    container-type: inline-size;
  }
  .key-text {
    flex: 1 1 auto;
    min-inline-size: 0;
    font-family: var(--_mono);
    /* A key is read and compared whole: one line, its type as large as the row lets 38 characters be (a monospace
       character is about 0.6em, 0.65em masked), down to a floor below which the line scrolls. */
    font-size: clamp(0.6875rem, (100cqi - 2 * var(--_space) - 2px) / 25, 0.9375rem);
    white-space: nowrap;
    overflow-x: auto;
    padding: calc(var(--_space) * 0.75) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    /* One click selects the whole key, as users expect of a credential. */
    user-select: all;
  }
  .key-text.masked {
    user-select: none;
    letter-spacing: 0.05em;
  }
  .meta {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  .dialog {
    max-inline-size: min(32rem, calc(100vw - 2rem));
    padding: calc(var(--_space) * 2.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_surface);
  }
  .dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  .dialog-title {
    margin: 0 0 var(--_space);
    font-size: 1.125rem;
  }
  .dialog-warning {
    margin: 0 0 calc(var(--_space) * 2);
  }
  .dialog input:not([type='radio']) {
    display: block;
    box-sizing: border-box;
    inline-size: 100%;
    margin-block: calc(var(--_space) / 2) calc(var(--_space) * 2);
  }
  .previous-secret {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
  }
  .grace {
    display: grid;
    gap: calc(var(--_space) / 2);
    margin: 0 0 calc(var(--_space) * 2);
    padding: 0;
    border: 0;
  }
  .grace legend {
    padding: 0;
    margin-block-end: calc(var(--_space) / 2);
  }
  .grace-option {
    display: flex;
    gap: calc(var(--_space) / 2);
    align-items: center;
  }
  .dialog .actions {
    justify-content: flex-end;
  }
`;
