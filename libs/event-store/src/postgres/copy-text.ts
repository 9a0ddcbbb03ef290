const COPY_SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A value in COPY's text format: backslash, tab and line breaks escaped. Most values (JSON text
 * among them, whose own control characters are escaped already) have none and pass as they are.
 */
export function copyText(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

/** NULL in COPY's text format. */
export const COPY_NULL = '\\N';
