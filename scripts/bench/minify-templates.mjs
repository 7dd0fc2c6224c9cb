/**
 * A Vite/Rolldown plugin for the CDN build: minifies the static text of Lit's `css` and `html` tagged
 * templates, which a JS minifier must leave alone. Only the literal parts change, never `${…}` expressions:
 * CSS loses comments and the whitespace around punctuation, HTML keeps one space where a run of
 * whitespace with a line break was (what a browser renders anyway; no element of ours uses `<pre>`).
 */

/** The static chunks of the tagged template whose backtick is at `start`: [from, to) ranges, and the end. */
function templateChunks(code, start) {
  const chunks = [];
  let from = start + 1;
  let i = from;
  while (i < code.length) {
    const c = code[i];
    if (c === '\\') i += 2;
    else if (c === '`') return { chunks: [...chunks, [from, i]], end: i + 1 };
    else if (c === '$' && code[i + 1] === '{') {
      chunks.push([from, i]);
      i = skipExpression(code, i + 2);
      from = i;
    } else i++;
  }
  throw new Error('unterminated template literal');
}

/** Index just after the `}` closing the expression that starts at `i`. */
function skipExpression(code, i) {
  let depth = 1;
  while (i < code.length) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
    else if (c === '`') {
      i = templateChunks(code, i).end;
      continue;
    } else if (c === '"' || c === "'") {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '/' && code[i + 1] === '/') {
      // A comment may hold a quote or a brace ("the key's"): it ends the line, and nothing in it counts.
      i = code.indexOf('\n', i);
    } else if (c === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i) + 1;
    }
    i++;
  }
  throw new Error('unterminated expression');
}

const minifyCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}');

const minifyHtml = (text) => text.replace(/\s*\n\s*/g, ' ');

export function minifyTemplates() {
  return {
    name: 'ipos:minify-templates',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(css|html)`/.test(code)) return null;
      const edits = [];
      for (const match of code.matchAll(/\b(css|html)`/g)) {
        const tick = match.index + match[1].length;
        const minify = match[1] === 'css' ? minifyCss : minifyHtml;
        for (const [from, to] of templateChunks(code, tick).chunks)
          edits.push([from, to, minify(code.slice(from, to))]);
      }
      let out = code;
      for (const [from, to, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, from) + text + out.slice(to);
      return { code: out, map: null };
    },
  };
}
