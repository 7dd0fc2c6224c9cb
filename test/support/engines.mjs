// The browser engines every browser test runs in (the element tests and the demo's end-to-end tests).
// TEST_ENGINES=firefox,webkit runs only those; `npm test -- --engine webkit` sets it.

/** @typedef {'chromium' | 'firefox' | 'webkit'} Engine */

/** @type {readonly Engine[]} */
export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** What each engine is, as the runners' reports name it. */
export const ENGINE_LABELS = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

/** @returns {Engine[]} the engines this run uses, in the order above */
export function selectedEngines() {
  return parseEngines(process.env.TEST_ENGINES ?? '', 'TEST_ENGINES');
}

/**
 * The engines a comma-separated list names (`firefox,webkit`), in the order above; all of them for an empty list.
 * @param {string} list
 * @param {string} source what the list came from, for the error
 * @returns {Engine[]}
 */
export function parseEngines(list, source) {
  const asked = list
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = asked.filter((name) => !ENGINES.includes(name));
  if (unknown.length) throw new Error(`${source} names ${unknown.join(', ')}; the engines are ${ENGINES.join(', ')}.`);
  return asked.length ? ENGINES.filter((engine) => asked.includes(engine)) : [...ENGINES];
}
