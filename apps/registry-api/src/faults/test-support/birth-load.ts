import { setTimeout as sleep } from 'node:timers/promises';
import { birthApplication } from '../../test-support/birth-application';
import type { ApiProcess } from './api-process';

export interface BirthAnswer {
  readonly key: string;
  /** HTTP status, or 0 when no answer came (connection refused or reset). */
  readonly status: number;
  readonly pin?: string;
  readonly retryAfter?: string | null;
  readonly code?: string;
}

/** What a client does after an answer that is not a 201: a short pause before its next request. */
const CLIENT_PAUSE_MS = 50;

/**
 * Officers registering births without pause, each request with its own Idempotency-Key. Every
 * answer is kept, so a test can retry the unanswered keys and check the acknowledged ones.
 */
export class BirthLoad {
  readonly answers: BirthAnswer[] = [];
  private running = true;
  private readonly clients: Promise<void>[];
  private sequence = 0;

  constructor(
    private readonly api: ApiProcess,
    clients: number,
    private readonly runId: string,
  ) {
    this.clients = Array.from({ length: clients }, (_, i) => this.client(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients);
  }

  private async client(id: number): Promise<void> {
    const token = this.api.token();
    while (this.running) {
      const key = `${this.runId}-${id}-${this.sequence++}`;
      const answer = await registerBirth(this.api, token, key);
      this.answers.push(answer);
      if (answer.status !== 201) await sleep(CLIENT_PAUSE_MS);
    }
  }

  /** Keys never answered 201 during the load. */
  unanswered(): string[] {
    const acknowledged = new Set(this.acknowledged().keys());
    return [...new Set(this.answers.map((a) => a.key))].filter((key) => !acknowledged.has(key));
  }

  /** Key -> PIN of every 201. */
  acknowledged(): Map<string, string> {
    return new Map(this.answers.filter((a) => a.status === 201).map((a) => [a.key, a.pin!]));
  }

  /** Count of answers by status (0: no answer). */
  statusCounts(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const { status } of this.answers) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }
}

export async function registerBirth(api: ApiProcess, token: string, key: string): Promise<BirthAnswer> {
  try {
    const response = await fetch(`${api.baseUrl}/v1/births`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(birthApplication({}, { dateOfBirth: '2024-05-01' })),
    });
    const body = (await response.json().catch(() => undefined)) as
      { pin?: string; error?: { code: string; message: string; details: unknown[] } } | undefined;
    return {
      key,
      status: response.status,
      pin: body?.pin,
      retryAfter: response.headers.get('retry-after'),
      code: body?.error?.code,
    };
  } catch {
    return { key, status: 0 };
  }
}

/** Retries `key` until it is answered 201 or `timeoutMs` passes (pausing as Retry-After asks). */
export async function retryUntilRegistered(api: ApiProcess, key: string, timeoutMs: number): Promise<BirthAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await registerBirth(api, api.token(), key);
    if (answer.status === 201 || Date.now() > deadline) return answer;
    await sleep(Number(answer.retryAfter ?? 0.2) * 1000);
  }
}
