export interface ProjectorSettings {
  /** PROJECTOR_ENABLED=false keeps the projector out of a process (e.g. API replicas). */
  readonly enabled: boolean;
  /** PROJECTOR_BATCH_SIZE: events per transaction at most during catch-up. */
  readonly batchSize: number;
  readonly retryMs: number;
}

export function projectorSettings(env: Record<string, string | undefined>): ProjectorSettings {
  const batchSize = Number(env.PROJECTOR_BATCH_SIZE ?? '1000');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`PROJECTOR_BATCH_SIZE must be between 1 and 10000, not ${env.PROJECTOR_BATCH_SIZE}`);
  }
  return { enabled: (env.PROJECTOR_ENABLED ?? 'true') !== 'false', batchSize, retryMs: 1000 };
}
