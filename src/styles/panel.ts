import { css } from 'lit';

/** Layout shared by the key panel and the token generator: a bordered card with a heading. */
export const panelStyles = css`
  .base {
    display: grid;
    gap: calc(var(--_space) * 2);
    padding: calc(var(--_space) * 2.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .heading {
    margin: 0;
    font-size: 1.125rem;
    font-weight: 600;
  }
  .intro {
    margin: 0;
    color: var(--_muted);
  }
`;
