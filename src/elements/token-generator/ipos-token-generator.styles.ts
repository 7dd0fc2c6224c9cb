import { css } from 'lit';

export const tokenGeneratorStyles = css`
  .field {
    display: grid;
    gap: calc(var(--_space) / 2);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: center;
  }
  select {
    flex: 1 1 16rem;
  }
  .token {
    flex: 1 1 20ch;
    font-family: var(--_mono);
    padding: calc(var(--_space) * 0.75) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .expiry {
    margin: 0;
  }
  .expiry.soon,
  .expiry.grace {
    color: var(--_danger);
    font-weight: 600;
  }
  .expiry.expired {
    color: var(--_danger);
  }
  .meta {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875rem;
    font-weight: 400;
  }
`;
