import { describe, expect, it } from 'vitest';
import { ar } from '../../../src/i18n/ar.js';
import { en } from '../../../src/i18n/en.js';
import { fr } from '../../../src/i18n/fr.js';
import { ROLE_SCOPES } from '../../../src/contract/roles.js';
import { renderCredentialsScreen } from '../../../src/ssr/index.js';
import {
  emptyActivity,
  isoCredentials,
  merchantCredentials,
  merchantTerminals,
  SECRET,
} from '../../support/ssr-fixtures.js';

const merchant = { role: 'merchant', credentials: merchantCredentials, terminals: merchantTerminals } as const;

describe('renderCredentialsScreen', () => {
  it('renders one <ipos-credentials> with declarative shadow roots for it and every element inside', async () => {
    const html = await renderCredentialsScreen({ ...merchant, activity: emptyActivity, apiBase: '/api/ipos' });
    // The inline script that keeps clicks made before hydration, then the element.
    expect(html).toMatch(/^<script>[^<]+<\/script><ipos-credentials /);
    expect(html.endsWith('</ipos-credentials>')).toBe(true);
    for (const tag of [
      'ipos-credentials',
      'ipos-key-panel',
      'ipos-scope-list',
      'ipos-token-generator',
      'ipos-key-activity',
    ]) {
      expect(html).toMatch(new RegExp(`<${tag}[^>]*>\\s*<template shadowroot="open" shadowrootmode="open">`));
    }
    expect(html).toContain('api-base="/api/ipos"');
  });

  it('shows the API key in full, the secret masked from its hint, the scopes and the token state', async () => {
    const html = await renderCredentialsScreen(merchant);
    expect(html).toContain(merchantCredentials.keys!.apiKey);
    expect(html).toMatch(/dskey_(<!--[^>]*-->)*•+(<!--[^>]*-->)*Wq7Z/);
    for (const scope of merchantCredentials.scopes) expect(html).toContain(scope);
    expect(html).toContain(en['tokens.none']);
    expect(html).toContain('Front desk');
  });

  it('renders a grace window in progress: when the previous secret stops working, and its Revoke button', async () => {
    const validUntil = new Date(Date.now() + 45 * 60_000).toISOString();
    const keys = { ...merchantCredentials.keys!, previousSecretValidUntil: validUntil };
    const html = await renderCredentialsScreen({
      ...merchant,
      credentials: { ...merchantCredentials, keys },
      resetGraceOptions: '0,60,1440',
    });
    expect(html).toContain('reset-grace-options="0,60,1440"');
    expect(html).toMatch(
      /part="previous-secret"[^>]*>(<!--[^>]*-->|\s)*The previous secret key stops working in (45|44) minutes/,
    );
    expect(html).toContain(en['keys.revokePrevious']);
  });

  it('carries the data in the preload script the browser reads, so it makes no GET', async () => {
    const html = await renderCredentialsScreen({ ...merchant, activity: emptyActivity });
    const script = /<script type="application\/json" data-ipos-initial>(.*?)<\/script>/.exec(html);
    expect(JSON.parse(script![1])).toEqual({
      credentials: merchantCredentials,
      terminals: merchantTerminals,
      activity: emptyActivity,
    });
  });

  it('keeps clicks made before hydration with one inline script, carrying the page’s CSP nonce when given', async () => {
    const plain = await renderCredentialsScreen(merchant);
    const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts(plain)).toEqual(['', ' type="application/json" data-ipos-initial']);
    expect(plain).toContain('addEventListener("click"');
    const withNonce = await renderCredentialsScreen({ ...merchant, nonce: 'r4nd"<m' });
    expect(scripts(withNonce)[0]).toBe(' nonce="r4nd&quot;&lt;m"');
    // Before the element: it runs before any of the screen is on view.
    expect(withNonce.startsWith('<script nonce=')).toBe(true);
    expect(withNonce.indexOf('<ipos-credentials')).toBeGreaterThan(withNonce.indexOf('</script>'));
    expect(withNonce.endsWith('</script></ipos-credentials>')).toBe(true);
  });

  it('drops a secretKey field from the data and never renders it', async () => {
    const keys = { ...merchantCredentials.keys!, secretKey: SECRET };
    const html = await renderCredentialsScreen({ ...merchant, credentials: { ...merchantCredentials, keys } });
    expect(html).not.toContain('dskey_This');
    expect(html).not.toContain('"secretKey"');
  });

  it('refuses data with a secret in a free-text field', async () => {
    const terminals = [{ tpn: '139322815010', label: SECRET }];
    await expect(renderCredentialsScreen({ ...merchant, terminals })).rejects.toThrow(/secret key/);
  });

  it('refuses malformed data, an unknown role, language or theme and credentials of another role, saying what is wrong', async () => {
    const badKeys = { ...merchantCredentials, keys: { ...merchantCredentials.keys!, apiKey: 'nope' } };
    await expect(renderCredentialsScreen({ ...merchant, credentials: badKeys })).rejects.toThrow(
      /malformed credentials \(.*apiKey/,
    );
    await expect(renderCredentialsScreen({ ...merchant, role: 'admin' as never })).rejects.toThrow(/role must be/);
    // Forgotten (or a read that gave nothing) is not "no keys yet": that would offer Generate to an account with keys.
    await expect(renderCredentialsScreen({ ...merchant, credentials: undefined as never })).rejects.toThrow(
      /credentials is required/,
    );
    await expect(renderCredentialsScreen({ ...merchant, lang: '"><script>' })).rejects.toThrow(/BCP 47/);
    await expect(renderCredentialsScreen({ ...merchant, theme: 'blue' as never })).rejects.toThrow(/theme must be/);
    await expect(renderCredentialsScreen({ ...merchant, role: 'iso' })).rejects.toThrow(
      /a merchant's, the screen is a iso's/,
    );
  });

  it('renders French and Arabic already translated, Arabic right to left', async () => {
    const french = await renderCredentialsScreen({ ...merchant, lang: 'fr' });
    expect(french).toContain('locale="fr"');
    expect(french).toContain(fr['keys.heading']);
    expect(french).toContain(fr['tokens.none']);
    expect(french).not.toContain('Generate API');
    expect(french).not.toContain(en['tokens.none']);
    const arabic = await renderCredentialsScreen({ ...merchant, lang: 'ar' });
    expect(arabic).toContain('dir="rtl"');
    expect(arabic).toContain(ar['keys.heading']);
    expect(arabic).not.toContain(en['tokens.none']);
  });

  it('keeps concurrent renders apart: two merchants on one api-base each see their own keys', async () => {
    const other = {
      ...merchantCredentials,
      keys: { ...merchantCredentials.keys!, apiKey: 'dakey_AnotherMerchantsKey0123456789ab' },
    };
    const [first, second] = await Promise.all([
      renderCredentialsScreen({ ...merchant, apiBase: '/api/ipos', lang: 'fr' }),
      renderCredentialsScreen({ ...merchant, apiBase: '/api/ipos', credentials: other }),
    ]);
    expect(first).toContain(merchantCredentials.keys!.apiKey);
    expect(first).not.toContain(other.keys.apiKey);
    expect(second).toContain(other.keys.apiKey);
    expect(second).not.toContain(merchantCredentials.keys!.apiKey);
  });

  it('renders the ISO screen without a token generator, and an account with no keys with Generate', async () => {
    const iso = await renderCredentialsScreen({ role: 'iso', credentials: isoCredentials });
    expect(iso).not.toContain('<ipos-token-generator');
    expect(iso).toContain(isoCredentials.keys!.apiKey);
    const none = await renderCredentialsScreen({ role: 'iso', credentials: null });
    expect(none).toContain('part="generate-button"');
    for (const scope of ROLE_SCOPES.iso) expect(none).toContain(scope);
  });
});
