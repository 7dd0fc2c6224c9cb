import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CatalogOverrides } from '../src/i18n/en.js';
import { ReferenceBackend } from '../src/reference/index.js';
import { waitForPart } from './support/shadow.js';

/**
 * Two partners, one component: everything below is CSS (the global `--ipos-*` tokens and `::part`)
 * plus wording through the `strings` property. No code of the library changes.
 */
const brandStyles = html`<style>
  .harbor {
    --ipos-color-primary: #0b3d91;
    --ipos-color-danger: #9b1c1c;
    --ipos-color-success: #0f5132;
    --ipos-color-text: #10213f;
    --ipos-color-muted: #4a5873;
    --ipos-color-surface: #fbfaf6;
    --ipos-color-border: #b8b2a3;
    --ipos-font-family: Georgia, 'Times New Roman', serif;
    --ipos-radius: 2px;
    --ipos-space: 10px;
    display: block;
    padding: 16px;
    background: #efece3;
  }
  .harbor ipos-credentials::part(key-panel__generate-button),
  .harbor ipos-credentials::part(token-generator__generate-button),
  .harbor ipos-credentials::part(key-panel__confirm-button) {
    text-transform: uppercase;
    letter-spacing: 0.08em;
  }
  .pulse {
    --ipos-color-primary: #ff4f9a;
    --ipos-color-danger: #ffb020;
    --ipos-color-success: #38e8a8;
    --ipos-color-text: #f4f0ff;
    --ipos-color-muted: #b7acd6;
    --ipos-color-surface: #1b1036;
    --ipos-color-border: #4b3a7a;
    --ipos-font-family: 'Trebuchet MS', 'Segoe UI', sans-serif;
    --ipos-font-family-mono: 'Courier New', monospace;
    --ipos-radius: 16px;
    --ipos-space: 7px;
    --ipos-focus-ring: 0 0 0 3px #38e8a8;
    display: block;
    padding: 16px;
    background: #120a26;
  }
  .pulse ipos-credentials::part(key-panel__api-key),
  .pulse ipos-credentials::part(key-panel__secret-key) {
    background: #26184a;
  }
</style>`;

const harborWording: CatalogOverrides = {
  'keys.heading': 'Developer access',
  'keys.intro': 'Harbor Bank Merchant Services issues these credentials for your point-of-sale integrations.',
  'keys.generate': 'Create credentials',
  'tokens.heading': 'Terminal access tokens',
  'activity.heading': 'Credential history',
};

const pulseWording: CatalogOverrides = {
  'keys.heading': 'Your API keys',
  'keys.intro': 'Plug Pulse Pay into anything. Keep the secret secret.',
  'scopes.heading': 'Unlocks',
  'tokens.heading': 'Tokens for your terminals',
  'activity.heading': 'What happened to your keys',
};

async function brandBackend(): Promise<ReferenceBackend> {
  const backend = new ReferenceBackend({ account: 'merchant' });
  await backend.generateKeys();
  return backend;
}

const meta: Meta = {
  title: 'Showcase/White label',
  loaders: [async () => ({ harbor: await brandBackend(), pulse: await brandBackend() })],
  render: (_args, { loaded }) =>
    html`${brandStyles}
      <div class="harbor">
        <ipos-credentials
          user-role="merchant"
          theme="light"
          .strings=${harborWording}
          .backend=${loaded.harbor as ReferenceBackend}
        ></ipos-credentials>
      </div>
      <div class="pulse">
        <ipos-credentials
          user-role="merchant"
          theme="dark"
          .strings=${pulseWording}
          .backend=${loaded.pulse as ReferenceBackend}
        ></ipos-credentials>
      </div>`,
};
export default meta;

export const TwoBrands: StoryObj = {
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'api-key');
  },
};
