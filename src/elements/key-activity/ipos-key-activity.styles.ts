import { css } from 'lit';

export const keyActivityStyles = css`
  :host([hidden]) {
    display: none;
  }
  .events {
    display: grid;
    gap: var(--_space);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .event {
    display: grid;
    gap: calc(var(--_space) / 4);
    padding-inline-start: calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_border);
  }
  .event.failed {
    border-inline-start-color: var(--_danger);
  }
  .event-type {
    font-weight: 600;
  }
  .event-meta,
  .empty {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875rem;
    overflow-wrap: anywhere;
  }
  .more {
    justify-self: start;
  }
`;
