import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, expect, test, vi } from 'vitest';
import type { KeysGeneratedDetail } from '../../src/elements/events.js';
import { IposCredentials, IposKeyPanel } from '../../src/react.js';
import { ReferenceBackend } from '../../src/reference/index.js';
import { allByPart } from '../support/fixtures.js';

let root: Root | undefined;
let container: HTMLElement | undefined;

function render(node: React.ReactNode): HTMLElement {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  act(() => root!.render(node));
  return container;
}

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

const scopeNames = (host: Element) => allByPart(host, 'scope-name').map((node) => node.textContent);

test('IposCredentials forwards role and backend props and renders the role’s screen', async () => {
  const backend = new ReferenceBackend({ account: 'iso' });
  const view = render(<IposCredentials userRole="iso" backend={backend} theme="dark" />);
  const element = view.querySelector('ipos-credentials')!;
  expect(element.backend).toBe(backend);
  expect(element.getAttribute('user-role')).toBe(null);
  expect(element.userRole).toBe('iso');
  await vi.waitFor(() => expect(scopeNames(element)).toEqual(['ExternalApi']));
  expect(allByPart(element, 'generate-button')).toHaveLength(1);
});

test('event callbacks receive the typed event with its detail', async () => {
  const backend = new ReferenceBackend({ account: 'agent' });
  const onKeysGenerated = vi.fn<(event: CustomEvent<KeysGeneratedDetail>) => void>();
  const view = render(<IposKeyPanel userRole="agent" backend={backend} onKeysGenerated={onKeysGenerated} />);
  const element = view.querySelector('ipos-key-panel')!;
  await vi.waitFor(() => expect(allByPart(element, 'generate-button')).toHaveLength(1));
  allByPart(element, 'generate-button')[0].click();
  await vi.waitFor(() => expect(onKeysGenerated).toHaveBeenCalledTimes(1));
  const detail = onKeysGenerated.mock.calls[0][0].detail;
  expect(detail.apiKey).toMatch(/^dakey_/);
  expect(detail.scopes).toEqual(['ExternalApi']);
  expect(JSON.stringify(detail)).not.toContain('dskey_');
});

test('plain ipos tags are typed JSX intrinsic elements', async () => {
  const view = render(<ipos-scope-list user-role="merchant" theme="light" />);
  const element = view.querySelector('ipos-scope-list')!;
  await vi.waitFor(() => expect(scopeNames(element)).toEqual(['PaymentTokenization', 'Recurring', 'BatchReport']));
});

test('a prop change re-renders the element: the role switches the screen', async () => {
  const backend = new ReferenceBackend({ account: 'merchant' });
  const view = render(<IposCredentials userRole="merchant" backend={backend} />);
  const element = view.querySelector('ipos-credentials')!;
  await vi.waitFor(() => expect(element.shadowRoot!.querySelector('ipos-token-generator')).not.toBeNull());
  // A role the types refuse still reaches the element from untyped hosts: it shows the role error.
  act(() => root!.render(<IposCredentials userRole={'owner' as 'merchant'} backend={backend} />));
  await vi.waitFor(() => expect(allByPart(element, 'role-error')).toHaveLength(1));
});
