// Issue 12, finding 3, as an integrator meets it: `refresh-before="5m"` (not a number of seconds) on an
// auto-refreshing generator once made hundreds of refresh requests a second. No timer is waited for here:
// a storm shows within a few turns of the event loop, a correct schedule makes no request at all.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { CredentialsBackend } from '../../../src/backend/credentials-backend.js';
import type { AuthToken } from '../../../src/contract/schemas.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';

const TPN = '139322815010';
const unused = () => Promise.reject(new Error('not called'));

function tokenBackend() {
  let serial = 0;
  const calls = { generate: 0, refresh: 0 };
  const issue = (): AuthToken => {
    const now = Date.now();
    return {
      token: `eyJhbGciOiJSUzI1NiJ9.storm.s${String(++serial).padStart(8, '0')}`,
      tpn: TPN,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 1440 * 60_000).toISOString(),
      graceEndsAt: new Date(now + 1455 * 60_000).toISOString(),
    };
  };
  const backend: CredentialsBackend = {
    accountKey: `storm-${crypto.randomUUID()}`,
    getCredentials: unused,
    generateKeys: unused,
    revealSecret: unused,
    resetSecret: unused,
    listTerminals: async () => [{ tpn: TPN, label: 'Front desk' }],
    generateToken: async () => (calls.generate++, issue()),
    refreshToken: async () => (calls.refresh++, issue()),
  };
  return { backend, calls };
}

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('ipos-token-generator refresh-before that is not a number', () => {
  for (const value of ['5m', 'NaN', '-1', '']) {
    it(`refresh-before="${value}" with auto-refresh: no refresh right after Generate, let alone a storm`, async () => {
      const { backend, calls } = tokenBackend();
      const warn = console.warn;
      console.warn = () => undefined;
      try {
        const element = await fixture<IposTokenGenerator>(
          html`<ipos-token-generator
            user-role="merchant"
            auto-refresh
            refresh-before=${value}
            .backend=${backend}
          ></ipos-token-generator>`,
        );
        await turns(3);
        await settle(element);
        byPart(element, 'generate-button').click();
        await turns(20);
        await settle(element);

        expect(allByPart(element, 'token')).to.have.length(1);
        expect(calls).to.deep.equal({ generate: 1, refresh: 0 });
        element.remove();
      } finally {
        console.warn = warn;
      }
    });
  }
});
