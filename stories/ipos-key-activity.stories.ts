import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { CredentialsBackend } from '../src/backend/credentials-backend.js';
import type { ReferenceBackend } from '../src/reference/index.js';
import { FAULTS, previewArgTypes, previewArgs, previewBackend, type PreviewArgs } from './support/preview-backend.js';
import { findPart, waitForPart } from './support/shadow.js';

interface Args extends PreviewArgs {
  pageSize: number;
  /** Reveals and resets done before the story renders, so that the trail has something to list. */
  history: number;
}

/** The story's backend with `history` reveals and a reset behind it (keys generated first when `withKeys`). */
async function backendWithHistory(args: Args): Promise<ReferenceBackend> {
  const backend = await previewBackend({ ...args, latencyMs: 0, fault: 'none' });
  if (args.withKeys) {
    for (let index = 0; index < args.history; index++) await backend.revealSecret();
    if (args.history > 0) await backend.resetSecret();
  }
  const fault = FAULTS[args.fault];
  backend.server.faults = {
    latencyMs: args.latencyMs,
    forcedStatus: fault ? { [args.faultRoute]: fault } : undefined,
  };
  return backend;
}

const meta: Meta<Args> = {
  title: 'Elements/ipos-key-activity',
  component: 'ipos-key-activity',
  args: { ...previewArgs, pageSize: 20, history: 2, faultRoute: 'GET /credentials/activity' },
  argTypes: {
    ...previewArgTypes,
    pageSize: { control: { type: 'number', min: 1, max: 100 } },
    history: { control: { type: 'number', min: 0, max: 30 } },
  },
  loaders: [async ({ args }) => ({ backend: await backendWithHistory(args as Args) })],
  render: (args, { loaded }) =>
    html`<ipos-key-activity
      user-role=${args.userRole}
      theme=${args.theme}
      locale=${args.locale}
      page-size=${args.pageSize}
      .backend=${loaded.backend as CredentialsBackend}
    ></ipos-key-activity>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Trail: Story = {
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'list');
    const events = [
      ...canvasElement.querySelector('ipos-key-activity')!.shadowRoot!.querySelectorAll('[part="event"]'),
    ];
    await expect(events.map((event) => event.querySelector('.event-type')?.textContent)).toEqual([
      'Secret key reset',
      'Secret key retrieved to show or copy it',
      'Secret key retrieved to show or copy it',
      'API and Secret keys generated',
    ]);
  },
};

export const MorePages: Story = {
  args: { pageSize: 2 },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'more-button')).textContent?.trim()).toBe('Show more');
  },
};

export const Empty: Story = {
  args: { withKeys: false, history: 0 },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'empty')).textContent).toContain('No activity yet');
  },
};

export const Loading: Story = {
  args: { latencyMs: 60_000 },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'skeleton');
  },
};

export const LoadError: Story = {
  args: { fault: 'server error (500)' },
  play: async ({ canvasElement }) => {
    await expect((await waitForPart(canvasElement, 'error')).textContent).toContain('Couldn’t load the activity.');
    await waitForPart(canvasElement, 'retry-button');
  },
};

/** A backend from before the trail (no `listActivity`): the element stays hidden and calls nothing. */
export const Unsupported: Story = {
  loaders: [
    async ({ args }) => {
      const backend = await backendWithHistory(args as Args);
      // Every method of the reference backend but `listActivity`.
      return { backend: Object.create(backend, { listActivity: { value: undefined } }) as CredentialsBackend };
    },
  ],
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('ipos-key-activity')!;
    await waitFor(() => expect(element.hidden).toBe(true));
    await expect(findPart(canvasElement, 'base')).toBeNull();
  },
};

export const Arabic: Story = {
  args: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'list');
    await expect((await waitForPart(canvasElement, 'base')).getAttribute('dir')).toBe('rtl');
  },
};

export const Dark: Story = {
  args: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    await waitForPart(canvasElement, 'list');
  },
};
