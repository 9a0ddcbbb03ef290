export interface ProjectorSettings {
  /** PROJECTOR_ENABLED=false keeps the projector out of a process (e.g. API replicas). */
  readonly enabled: boolean;
  /** PROJECTOR_BATCH_SIZE: events per transaction at most during catch-up. */
  readonly batchSize: number;
  /** PROJECTOR_LINGER_MS: how long a live batch waits for more events after its first (ADR 0031). */
  readonly lingerMs: number;
  readonly retryMs: number;
}

export function projectorSettings(env: Record<string, string | undefined>): ProjectorSettings {
  const batchSize = Number(env.PROJECTOR_BATCH_SIZE ?? '1000');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`PROJECTOR_BATCH_SIZE must be between 1 and 10000, not ${env.PROJECTOR_BATCH_SIZE}`);
  }
  const lingerMs = Number(env.PROJECTOR_LINGER_MS ?? '10');
  if (!Number.isSafeInteger(lingerMs) || lingerMs < 0 || lingerMs > 1000) {
    throw new Error(`PROJECTOR_LINGER_MS must be between 0 and 1000, not ${env.PROJECTOR_LINGER_MS}`);
  }
  return { enabled: (env.PROJECTOR_ENABLED ?? 'true') !== 'false', batchSize, lingerMs, retryMs: 1000 };
}
