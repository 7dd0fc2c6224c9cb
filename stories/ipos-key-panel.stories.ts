import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { Credentials } from '../src/contract/schemas.js';
import { expect, waitFor } from 'storybook/test';
import type { ReferenceBackend } from '../src/reference/index.js';
import { previewArgTypes, previewArgs, previewBackend, type PreviewArgs } from './support/preview-backend.js';
import { findPart, waitForPart } from './support/shadow.js';

interface Args extends PreviewArgs {
  allowReveal: boolean;
  confirmPhrase: string;
  resetGraceOptions: string;
}

const meta: Meta<Args> = {
  title: 'Elements/ipos-key-panel',
  component: 'ipos-key-panel',
  args: {
    ...previewArgs,
    userRole: 'iso',
    allowReveal: false,
    confirmPhrase: '',
    resetGraceOptions: '',
  },
  argTypes: {
    ...previewArgTypes,
  },
  loaders: [async ({ args }) => ({ backend: await previewBackend(args as Args) })],
  render: (args, { loaded }) =>
    html`<ipos-key-panel
      user-role=${args.userRole}
      theme=${args.theme}
      locale=${args.locale}
      ?allow-reveal=${args.allowReveal}
      confirm-phrase=${args.confirmPhrase || nothing}
      reset-grace-options=${args.resetGraceOptions || nothing}
      .backend=${loaded.backend as ReferenceBackend}
      .initialCredentials=${loaded.initialCredentials as Credentials | undefined}
    ></ipos-key-panel>`,
};
export default meta;

type Story = StoryObj<Args>;

export const KeysPresent: Story = {
  play: async ({ canvasElement }) => {
    const secret = await waitForPart(canvasElement, 'secret-key');
    await expect(secret.textContent).toMatch(/^dskey_•+[\w-]{4}$/);
  },
};

export const NoKeysYet: Story = {
  args: { withKeys: false },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'generate-button');
  },
};

export const Loading: Story = {
  args: { latencyMs: 60_000 },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'skeleton');
  },
};

export const Generating: Story = {
  args: { withKeys: false, latencyMs: 0 },
  play: async ({ canvasElement, loaded }) => {
    const button = await waitForPart(canvasElement, 'generate-button');
    (loaded.backend as ReferenceBackend).server.faults = { latencyMs: 60_000 };
    button.click();
    // Busy, yet focusable (aria-disabled, not disabled): focus stays on it until the keys take its place.
    await waitFor(() => expect(findPart(canvasElement, 'generate-button')?.getAttribute('aria-disabled')).toBe('true'));
    await expect(findPart(canvasElement, 'generate-button')?.textContent?.trim()).toBe('Generating…');
  },
};

export const ResetConfirmation: Story = {
  play: async ({ canvasElement }) => {
    (await waitForPart(canvasElement, 'reset-button')).click();
    await expect((await waitForPart(canvasElement, 'dialog')) as HTMLDialogElement).toHaveProperty('open', true);
  },
};

export const Resetting: Story = {
  play: async ({ canvasElement, loaded }) => {
    (await waitForPart(canvasElement, 'reset-button')).click();
    (loaded.backend as ReferenceBackend).server.faults = { latencyMs: 60_000 };
    (await waitForPart(canvasElement, 'confirm-button')).click();
    await expect((await waitForPart(canvasElement, 'reset-button')).textContent?.trim()).toBe('Resetting…');
  },
};

export const TypedConfirmation: Story = {
  args: { confirmPhrase: 'RESET' },
  play: async ({ canvasElement }) => {
    (await waitForPart(canvasElement, 'reset-button')).click();
    await waitForPart(canvasElement, 'confirm-phrase-input');
    await expect(await waitForPart(canvasElement, 'confirm-button')).toHaveProperty('disabled', true);
  },
};

/** `reset-grace-options="0,60,1440"`: the reset dialog offers how long the current secret keeps working. */
export const ResetWithGraceOptions: Story = {
  args: { resetGraceOptions: '0,60,1440' },
  play: async ({ canvasElement }) => {
    (await waitForPart(canvasElement, 'reset-button')).click();
    const choices = await waitForPart(canvasElement, 'grace-options');
    await expect(choices.querySelectorAll('input[type="radio"]')).toHaveLength(3);
  },
};

/** After a reset with a 1-hour grace window: when the previous secret stops, counting down, and the way to end it now. */
export const GraceWindowActive: Story = {
  loaders: [
    async ({ args }) => {
      const backend = await previewBackend(args as Args);
      await backend.resetSecret({ graceMinutes: 60 });
      return { backend };
    },
  ],
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'previous-secret')).textContent).toContain('stops working in');
    await waitForPart(canvasElement, 'revoke-previous-button');
  },
};

export const RevokeConfirmation: Story = {
  loaders: GraceWindowActive.loaders,
  play: async ({ canvasElement }) => {
    (await waitForPart(canvasElement, 'revoke-previous-button')).click();
    const dialog = (await waitForPart(canvasElement, 'revoke-dialog')) as HTMLDialogElement;
    await expect(dialog).toHaveProperty('open', true);
  },
};

/** Keys a newer backend reports as used: the page was rendered with them (preloaded, no GET). */
export const LastUsed: Story = {
  loaders: [
    async ({ args }) => {
      const backend = await previewBackend(args as Args);
      const credentials = await backend.getCredentials();
      const lastUsedAt = new Date(Date.now() - 3 * 60_000).toISOString();
      const keys = credentials.keys && { ...credentials.keys, lastUsedAt, lastUsedFrom: '203.0.113.7' };
      return { backend, initialCredentials: { ...credentials, keys } };
    },
  ],
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'last-used')).textContent).toContain('from 203.0.113.7');
  },
};

export const Revealable: Story = {
  args: { allowReveal: true },
  play: async ({ canvasElement }) => {
    (await waitForPart(canvasElement, 'reveal-button')).click();
    await waitFor(() => expect(findPart(canvasElement, 'secret-key')?.textContent).toMatch(/^dskey_[\w-]{32}$/));
  },
};

export const LoadError: Story = {
  args: { fault: 'server error (500)', faultRoute: 'GET /credentials' },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'retry-button');
  },
};

export const Forbidden: Story = {
  args: { fault: 'forbidden (403)', faultRoute: 'GET /credentials' },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'error')).textContent).toContain('cannot manage these keys');
  },
};

export const UnknownRole: Story = {
  args: { userRole: 'owner (unknown)' },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'error')).textContent).toContain('merchant, iso or agent');
  },
};

export const Dark: Story = { args: { theme: 'dark' } };
