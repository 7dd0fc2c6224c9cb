import { css } from 'lit';

/** Buttons, status and error regions and loading skeletons shared by the panels. */
export const controlStyles = css`
  button {
    font: inherit;
    min-block-size: 2.25rem;
    padding: calc(var(--_space) / 2) calc(var(--_space) * 1.75);
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    color: var(--_text);
    background: var(--_surface);
    cursor: pointer;
  }
  button:hover:not(:disabled, [aria-disabled='true']) {
    border-color: var(--_primary);
  }
  button:disabled,
  button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.primary {
    color: var(--_on-primary);
    background: var(--_primary);
    border-color: var(--_primary);
  }
  button.danger {
    color: var(--_danger);
    border-color: currentColor;
  }
  button.danger.primary {
    color: var(--_on-primary);
    background: var(--_danger);
    border-color: var(--_danger);
  }
  .status {
    margin: 0;
    color: var(--_success);
    min-block-size: 1.5em;
  }
  .status:empty {
    min-block-size: 0;
  }
  .error {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
    justify-content: space-between;
  }
  .skeleton {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  .skeleton-bar {
    block-size: 2.5rem;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_border) 55%, transparent);
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .field-label {
    font-weight: 600;
  }
  select,
  input {
    font: inherit;
    min-block-size: 2.25rem;
    padding-inline: var(--_space);
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
`;
