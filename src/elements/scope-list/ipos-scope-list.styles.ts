import { css } from 'lit';

export const scopeListStyles = css`
  .heading {
    font-size: 1rem;
    font-weight: 600;
    margin: 0 0 var(--_space);
  }
  .scopes {
    display: grid;
    gap: var(--_space);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .scope {
    display: grid;
    gap: calc(var(--_space) / 4);
    padding-inline-start: calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_primary);
  }
  .scope-name {
    font-family: var(--_mono);
    font-weight: 600;
  }
  .scope-description {
    color: var(--_muted);
  }
`;
