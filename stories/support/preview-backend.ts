/**
 * Story backends: each story gets its own in-browser reference server (real keys, real JWTs),
 * shaped by the Storybook controls for latency and injected faults.
 */
import type { Meta } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { ForcedFault } from '../../src/reference/index.js';
import { ReferenceBackend, createReferenceServer } from '../../src/reference/index.js';
import type { UserRole } from '../../src/contract/roles.js';
import { isUserRole } from '../../src/contract/roles.js';
import { PREVIEW_CATEGORY } from './controls.js';

/** The faults a designer can pick from the controls panel. */
export const FAULTS = {
  none: undefined,
  'server error (500)': { status: 500 },
  'forbidden (403)': { status: 403 },
  'session expired (401)': { status: 401 },
  'rate limited (429)': { status: 429, retryAfter: 30 },
  'unavailable (503)': { status: 503 },
  'malformed JSON': { status: 200, body: '{"keys": ' },
} satisfies Record<string, ForcedFault | undefined>;

export type FaultName = keyof typeof FAULTS;

export interface PreviewArgs {
  userRole: string;
  theme: 'light' | 'dark' | 'auto';
  locale: string;
  latencyMs: number;
  fault: FaultName;
  /** Which route the fault hits, e.g. `GET /credentials`; empty: every route. */
  faultRoute: string;
  withKeys: boolean;
}

/** The defaults every element story starts from. */
export const previewArgs: PreviewArgs = {
  userRole: 'merchant',
  theme: 'light',
  locale: 'en',
  latencyMs: 0,
  fault: 'none',
  faultRoute: '',
  withKeys: true,
};

/** The preview backend's knobs: how the story's backend behaves, not the element's API, so in a group of their own. */
const preview = { table: { category: PREVIEW_CATEGORY } } as const;

export const previewArgTypes = {
  userRole: { control: 'select', options: ['merchant', 'iso', 'agent', 'owner (unknown)'] },
  theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
  locale: { control: 'select', options: ['en', 'es', 'fr', 'ar'] },
  latencyMs: { control: { type: 'range', min: 0, max: 5000, step: 100 }, ...preview },
  fault: { control: 'select', options: Object.keys(FAULTS), ...preview },
  faultRoute: { control: 'text', ...preview },
  withKeys: { control: 'boolean', ...preview },
} as const;

/** Builds the story's backend; keys are generated first when the story starts with keys. */
export async function previewBackend(args: PreviewArgs): Promise<ReferenceBackend> {
  const account: UserRole = isUserRole(args.userRole) ? args.userRole : 'merchant';
  const backend = new ReferenceBackend({ account, server: createReferenceServer(), retries: 0 });
  if (args.withKeys) await backend.generateKeys();
  const fault = FAULTS[args.fault];
  backend.server.faults = {
    latencyMs: args.latencyMs,
    forcedStatus: fault ? { [args.faultRoute || '/credentials']: fault } : undefined,
  };
  return backend;
}

/** The provider on the story's backend: what the provider's stories and the theming playground render. */
export const credentialsScreen: Pick<Meta<PreviewArgs>, 'loaders' | 'render'> = {
  loaders: [async ({ args }) => ({ backend: await previewBackend(args as PreviewArgs) })],
  render: (args, { loaded }) =>
    html`<ipos-credentials
      user-role=${args.userRole}
      theme=${args.theme}
      locale=${args.locale}
      .backend=${loaded.backend as ReferenceBackend}
    ></ipos-credentials>`,
};
