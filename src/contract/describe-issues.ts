import type * as z from 'zod/mini';

/**
 * Names what is wrong with a body — where and what was expected — from the zod issues.
 * Built from the issue's code, path and the schema's expectations only, never from `input`,
 * so no value of the body (a secret, a token) can end up in an error message or a log.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'} ${expectation(issue)}`)
    .join('; ');
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `expected to match ${issue.pattern}`
        : `expected ${issue.format} format`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    default:
      return `is invalid (${issue.code})`;
  }
}
