#!/usr/bin/env node
// The size budget (`npm test` step `size`): gzip -9 bytes a page downloads before its screen shows, per role,
// from the CDN build (the module plus the chunks that role's screen loads; locale chunks never count), and the
// `./define` entry as a bundler includes it up front. Fails above a budget; prints issue 16's goals and, while one
// is missed, by how much and why. Figures and peers: docs/performance.md; full measurements: `npm run bench`.
import { performance } from 'node:perf_hooks';
import { BYTE_GOALS, MISSED_BECAUSE, SCREENS, cdnSizes, entrySize, ENTRIES } from './bench/sizes.mjs';

/**
 * Budgets in gzip -9 bytes: today's size plus ~1 % so that a change costing more than a few hundred bytes
 * has to raise this number on purpose. History of the single CDN module (every element, 28,245 at the end):
 * raised from 23,000 / 23,600 for the second release's safety work (+1.5 KB: the account-scoped KeysSession, the
 * shared account loader, numeric option checks, the first paint in the element's language; +0.6 KB: plural
 * messages and preloaded data; +0.6 KB: "last used", the typed reset confirmation and the step-up hook; +0.9 KB:
 * issue 12's races fixes; +1.69 KB: issue 15's activity trail). Issue 16 split it by role: the token generator's
 * and the activity trail's views and English wording are chunks loaded with their elements. An ISO or agent page
 * went from 28,081 to ~23,570 B; a merchant page, which loads every chunk, pays ~2.8 KB for the split (28,081 to
 * ~30,910 B: each file is compressed alone, and the chunks import what they share from the module by name).
 * The `./define` entry (28,674 before) went to ~24,020 B, templates now minified in dist/ as in the CDN build.
 * Then raised on purpose, every screen ~2.0 KB: issue 15's grace window (+1.48 KB: the reset dialog's choice of
 * window, the previous secret's countdown and revoke confirmation in the key panel, their English, KeysSession's
 * revoke and the reset body in HttpBackend), issue 16's server rendering (+0.1 KB: the first page of activity in the
 * preload, settings bound to the default screen), a preload painted in one update (+0.1 KB) and lazy panels that
 * take their view at once when its module is here (provideView, for SSR and hydration). Then +0.3 KB: the opt-in
 * stale-while-revalidate of preloads (`revalidate`) and the guard that drops a server-rendered copy a page cannot
 * hydrate, with its warning; and +~0.1 KB (red-team fixes): a hydrating element follows the server's DOM where the
 * page's clock or backend disagrees with the server's (the grace line, the Revoke button, the activity trail),
 * instead of throwing a hydration mismatch.
 */
export const BUDGET = {
  iso: 26_210,
  agent: 26_210,
  merchant: 33_600,
  define: 27_330,
};

const started = performance.now();
const [cdn, define] = await Promise.all([cdnSizes(), entrySize(ENTRIES['./define'])]);
const b = (bytes) => bytes.toLocaleString('en-US');

let failed = false;
const budgetRows = [
  ...Object.entries(SCREENS).map(([role, { label }]) => [`CDN, ${label}`, cdn.screens[role].gzip, BUDGET[role]]),
  ['./define entry, bundled and minified, up front', define.gzip, BUDGET.define],
];
for (const [name, gzip, budget] of budgetRows) {
  const over = gzip > budget;
  failed ||= over;
  const verdict = over ? `OVER by ${b(gzip - budget)} B` : `ok, ${b(budget - gzip)} B to spare`;
  console.log(
    `${over ? 'FAIL' : 'ok  '}  ${name.padEnd(52)} ${b(gzip).padStart(7)} B gzip  budget ${b(budget).padStart(7)} B  (${verdict})`,
  );
}
for (const [name, { screens, limit }] of Object.entries(BYTE_GOALS)) {
  const value = Math.max(...screens.map((role) => cdn.screens[role].gzip));
  const verdict = value <= limit ? 'goal met' : `goal missed by ${b(value - limit)} B: ${MISSED_BECAUSE[name]}`;
  console.log(
    `goal  ${name.padEnd(52)} ${b(value).padStart(7)} B gzip  goal   ${b(limit).padStart(7)} B  (${verdict})`,
  );
}
console.log(`size: measured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failed) {
  console.log(
    'A change made the library bigger than its budget: make it smaller, or raise BUDGET in scripts/size.mjs on purpose.',
  );
  process.exit(1);
}
