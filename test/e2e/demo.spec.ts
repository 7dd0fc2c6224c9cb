import { deep, part } from '../support/engine-tab.js';
import { expect, test } from '../support/engine-test.js';

/** A fresh demo session per test, so that tests running in parallel never share keys. */
const sessionUrl = (query = '') => `/?session=e2e-${crypto.randomUUID()}${query ? `&${query}` : ''}`;
const scopeNames = part('ipos-credentials', 'scope-name');

test('shows the merchant screen by default: keys and token generation', async ({ tab }) => {
  await tab.goto(sessionUrl());
  await expect.poll(() => tab.visible(deep('ipos-key-panel'))).toBe(true);
  await expect.poll(() => tab.visible(deep('ipos-token-generator'))).toBe(true);
  await expect.poll(() => tab.texts(scopeNames)).toEqual(['PaymentTokenization', 'Recurring', 'BatchReport']);
});

test('?role= selects the role and the switcher follows it', async ({ tab }) => {
  await tab.goto(sessionUrl('role=iso'));
  await expect.poll(() => tab.value(deep('#role'))).toBe('iso');
  await expect.poll(() => tab.texts(scopeNames)).toEqual(['ExternalApi']);
  await expect.poll(() => tab.count(deep('ipos-token-generator'))).toBe(0);
});

test('the role switcher changes the screen and the address', async ({ tab }) => {
  await tab.goto(sessionUrl());
  await expect.poll(() => tab.texts(scopeNames)).toHaveLength(3);
  await tab.select(deep('#role'), 'agent');
  await expect.poll(() => tab.texts(scopeNames)).toEqual(['ExternalApi']);
  await expect.poll(() => tab.count(deep('ipos-token-generator'))).toBe(0);
  expect(new URL(await tab.url()).searchParams.get('role')).toBe('agent');
});

test('an unknown ?role= shows the element’s own error naming the allowed roles', async ({ tab }) => {
  await tab.goto(sessionUrl('role=owner'));
  await expect.poll(() => tab.text(part('ipos-credentials', 'role-error'))).toContain('merchant, iso or agent');
});

test('the theme switcher applies dark tokens to the elements', async ({ tab }) => {
  await tab.goto(sessionUrl());
  await expect.poll(() => tab.count(part('ipos-key-panel', 'base'))).toBeGreaterThan(0);
  await tab.select(deep('#theme'), 'dark');
  await expect.poll(() => tab.attribute(part('ipos-key-panel', 'base'), 'class')).toMatch(/dark/);
});

test('the demo has an icon, so no load asks for a /favicon.ico that is not there', async ({ tab, request }) => {
  await tab.goto(sessionUrl());
  await expect.poll(() => tab.visible(deep('ipos-key-panel'))).toBe(true);
  // A browser asks for /favicon.ico only when the page names no icon of its own.
  const icon = await tab.attribute(deep('link[rel="icon"]'), 'href');
  expect(icon, 'the page names no icon').not.toBeNull();
  const answer = await request.get(new URL(icon!, await tab.url()).href);
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toContain('image/svg+xml');
  expect(await answer.text()).toContain('<svg');
});
