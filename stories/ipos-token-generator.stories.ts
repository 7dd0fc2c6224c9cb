import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { ReferenceBackend } from '../src/reference/index.js';
import { previewArgTypes, previewArgs, previewBackend, type PreviewArgs } from './support/preview-backend.js';
import { findPart, waitForPart } from './support/shadow.js';

interface Args extends PreviewArgs {
  expiresInMinutes: number;
  autoRefresh: boolean;
  refreshBefore: number;
  /** Minutes the backend's clock runs behind, to preview tokens near or past expiry. */
  tokenAgeMinutes: number;
}

const meta: Meta<Args> = {
  title: 'Elements/ipos-token-generator',
  component: 'ipos-token-generator',
  args: {
    ...previewArgs,
    withKeys: false,
    expiresInMinutes: 1440,
    autoRefresh: false,
    refreshBefore: 300,
    tokenAgeMinutes: 0,
  },
  argTypes: {
    ...previewArgTypes,
    expiresInMinutes: { control: 'number' },
    tokenAgeMinutes: { control: 'number' },
  },
  loaders: [
    async ({ args }) => {
      const backend = await previewBackend(args as Args);
      backend.server.clock.offsetMs = -(args as Args).tokenAgeMinutes * 60_000;
      return { backend };
    },
  ],
  render: (args, { loaded }) =>
    html`<ipos-token-generator
      user-role=${args.userRole}
      theme=${args.theme}
      locale=${args.locale}
      expires-in-minutes=${args.expiresInMinutes}
      ?auto-refresh=${args.autoRefresh}
      refresh-before=${args.refreshBefore}
      .channelName=${false}
      .backend=${loaded.backend as ReferenceBackend}
    ></ipos-token-generator>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Clicks Generate Token and waits for the token to show. */
const generateToken: Story['play'] = async ({ canvasElement }) => {
  (await waitForPart(canvasElement, 'generate-button')).click();
  await waitForPart(canvasElement, 'token');
};

const expiryState = (canvasElement: HTMLElement) => findPart(canvasElement, 'expiry')?.dataset.state;

export const ChooseTerminal: Story = {
  play: async ({ canvasElement }) => {
    const select = (await waitForPart(canvasElement, 'tpn-select')) as HTMLSelectElement;
    await expect(select.options.length).toBe(3);
  },
};

export const TokenGenerated: Story = { play: generateToken };

export const ExpiringSoon: Story = {
  args: { tokenAgeMinutes: 1440 - 4 },
  play: async (context) => {
    await generateToken(context);
    await waitFor(() => expect(expiryState(context.canvasElement)).toBe('soon'));
  },
};

export const InGracePeriod: Story = {
  args: { tokenAgeMinutes: 1440 + 5 },
  play: async (context) => {
    await generateToken(context);
    await waitFor(() => expect(expiryState(context.canvasElement)).toBe('grace'));
  },
};

export const Expired: Story = {
  args: { tokenAgeMinutes: 1440 + 20 },
  play: async (context) => {
    await generateToken(context);
    await waitFor(() => expect(expiryState(context.canvasElement)).toBe('expired'));
  },
};

export const LoadingTerminals: Story = {
  args: { latencyMs: 60_000 },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'skeleton');
  },
};

export const NoTerminals: Story = {
  args: { fault: 'none' },
  loaders: [
    async ({ args }) => {
      const backend = await previewBackend(args as Args);
      backend.server.faults = { forcedStatus: { 'GET /terminals': { status: 200, body: { terminals: [] } } } };
      return { backend };
    },
  ],
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'empty');
  },
};

export const TerminalsError: Story = {
  args: { fault: 'unavailable (503)', faultRoute: 'GET /terminals' },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'retry-button');
  },
};

export const InvalidLifetime: Story = {
  args: { expiresInMinutes: 2000 },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'error')).textContent).toContain('from 1 to 1440');
  },
};

export const NotAMerchant: Story = {
  args: { userRole: 'iso' },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'error')).textContent).toContain('merchant accounts');
  },
};

export const Dark: Story = { args: { theme: 'dark' }, play: generateToken };
