/**
 * The one place that knows how the page calls the registry API: the bearer token, the headers a
 * historian's read carries (the purpose of reading, audited with every read of personal data) and
 * the API.md error body. Adapting the page to a new header or role rule means changing this file.
 */
export interface Session {
  readonly token: string;
  readonly purpose: string;
}

/** Headers sent with every read. */
export function readHeaders(session: Session): Record<string, string> {
  return {
    accept: 'application/json',
    authorization: `Bearer ${session.token}`,
    'x-purpose': session.purpose,
  };
}

/** An answer other than 200, with the registry's error code when it sent one. */
export class RegistryAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(session: Session, path: string, query: Record<string, string | undefined> = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const url = params.size > 0 ? `${path}?${params}` : path;
  // A re-established PIN answers 301: the page follows the chain from the timeline instead.
  const response = await fetch(url, { headers: readHeaders(session), redirect: 'manual' });
  if (response.ok) return (await response.json()) as T;
  throw await answerError(response);
}

async function answerError(response: Response): Promise<RegistryAnswerError> {
  if (response.type === 'opaqueredirect') return new RegistryAnswerError(301, 'MOVED', 'moved to another PIN');
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
  return new RegistryAnswerError(response.status, body?.error?.code, message);
}

/** The claims of a token, decoded for display only (the API checks the signature). */
export function tokenClaims(token: string): { sub?: string; roles?: string[]; exp?: number } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

const STORAGE_KEY = 'registry.historian.session';

/** Kept for the browser tab only: closing it signs out. */
export function savedSession(): Session | undefined {
  const text = sessionStorage.getItem(STORAGE_KEY);
  return text ? (JSON.parse(text) as Session) : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}
