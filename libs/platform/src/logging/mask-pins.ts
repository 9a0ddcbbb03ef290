/** A PIN anywhere in a text: 12 digits not part of a longer number. */
const PIN = /(?<!\d)(\d{3})\d{9}(?!\d)/g;

/**
 * Masks every PIN in a log entry (strings at any depth, error stacks included): the province
 * digits stay, useful for operations; the person does not. `001224001234` -> `001*********`.
 */
export function maskPins<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(PIN, '$1*********') as T;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => maskPins(item, depth + 1)) as T;
  const masked: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) masked[key] = maskPins(inner, depth + 1);
  return masked as T;
}
