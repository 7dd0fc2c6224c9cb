import { css } from 'lit';

/** Dark defaults; used for `theme="dark"` and for `auto` when the system prefers dark. */
const darkTokens = css`
  --_primary: var(--ipos-color-primary, #8fb0ff);
  --_danger: var(--ipos-color-danger, #ff8a80);
  --_success: var(--ipos-color-success, #6fdc9f);
  --_text: var(--ipos-color-text, #e8ecf3);
  --_muted: var(--ipos-color-muted, #a8b1c1);
  --_surface: var(--ipos-color-surface, #151a23);
  --_border: var(--ipos-color-border, #3a4352);
  color-scheme: dark;
`;

/**
 * The global `--ipos-*` tokens with their light and dark defaults, resolved into private `--_*`
 * variables on the element's `base` part. Hosts theme by setting the public tokens on any ancestor.
 */
export const themeStyles = css`
  :host {
    display: block;
    color-scheme: light dark;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    --_primary: var(--ipos-color-primary, #1f4fd1);
    /* Text on primary buttons: the surface colour keeps contrast in both schemes without another token. */
    --_on-primary: var(--_surface);
    --_danger: var(--ipos-color-danger, #b42318);
    --_success: var(--ipos-color-success, #067647);
    --_text: var(--ipos-color-text, #1b2230);
    --_muted: var(--ipos-color-muted, #535d6e);
    --_surface: var(--ipos-color-surface, #ffffff);
    --_border: var(--ipos-color-border, #cfd5df);
    --_font: var(--ipos-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--ipos-font-family-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_radius: var(--ipos-radius, 6px);
    --_space: var(--ipos-space, 8px);
    --_focus-ring: var(--ipos-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_primary) 45%, transparent));
    color-scheme: light;
    font-family: var(--_font);
    color: var(--_text);
    background: var(--_surface);
    line-height: 1.5;
  }
  .base.dark {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    .base.auto {
      ${darkTokens}
    }
  }
  .error {
    color: var(--_danger);
    border: 1px solid currentColor;
    border-radius: var(--_radius);
    padding: var(--_space) calc(var(--_space) * 1.5);
    margin: 0;
  }
  /* Forced colors drop box-shadow but paint the transparent outline in a system colour: focus stays visible. */
  :focus-visible {
    outline: 2px solid transparent;
    box-shadow: var(--_focus-ring);
  }
`;
