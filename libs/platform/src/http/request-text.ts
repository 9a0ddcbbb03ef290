import type { FieldProblem } from './field-problem';

/** C0 and C1 control characters and DEL: never part of a name, an address or a reason. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Every text of a request body, checked and cleaned in one place for every endpoint: control
 * characters (NUL included: PostgreSQL refuses it in jsonb), lone surrogates and blank texts are
 * refused; the rest is trimmed and normalised to NFC, so one name is stored one way whatever
 * keyboard typed it. Returns a cleaned copy and the problems found, by dotted field path.
 */
export function cleanRequestText(value: unknown, problems: FieldProblem[], field = ''): unknown {
  if (typeof value === 'string') return cleanText(value, problems, field || 'body');
  if (Array.isArray(value)) return value.map((item, i) => cleanRequestText(item, problems, `${field}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = cleanRequestText(item, problems, field ? `${field}.${key}` : key);
  }
  return copy;
}

/** The problems of texts in a query string (not trimmed: queries are matched as given). */
export function queryTextProblems(query: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (query && typeof query === 'object') {
    for (const [key, item] of Object.entries(query)) {
      for (const text of Array.isArray(item) ? item : [item]) {
        if (typeof text === 'string') problems.push(...textProblems(text, key));
      }
    }
  }
  return problems;
}

function cleanText(text: string, problems: FieldProblem[], field: string): string {
  const found = textProblems(text, field);
  if (found.length > 0) {
    problems.push(...found);
    return text;
  }
  const clean = text.trim().normalize('NFC');
  if (clean === '') problems.push({ field, problems: [`${field} must not be blank`] });
  return clean;
}

function textProblems(text: string, field: string): FieldProblem[] {
  if (LONE_SURROGATE.test(text)) return [{ field, problems: [`${field} must be valid Unicode (no lone surrogates)`] }];
  if (CONTROL.test(text)) return [{ field, problems: [`${field} must not contain control characters`] }];
  return [];
}
