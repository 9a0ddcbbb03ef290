/**
 * SQLSTATE classes and codes that say the database is briefly out of reach, not that the request
 * is wrong: connection exceptions (08), operator intervention (57: admin shutdown,
 * pg_terminate_backend, crash recovery, cannot connect now), insufficient resources (53), and
 * 55000 "database is not currently accepting connections" (ALLOW_CONNECTIONS false).
 */
const TRANSIENT_SQLSTATE = /^(08|57|53)/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg and pg-pool report a dead socket or a full pool only by message. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'is not currently accepting connections',
];

/** KurrentDB's client says so by error type. */
const KURRENTDB_TYPES = new Set(['unavailable', 'deadline-exceeded', 'not-leader']);

/** True when `error` is a lost or refused database connection (answer 503, retry later). */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string' && KURRENTDB_TYPES.has(type)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || SOCKET_CODES.has(code))) return true;
  if (code === '55000' && error.message.includes('accepting connections')) return true;
  return DRIVER_MESSAGES.some((text) => error.message.includes(text));
}
