import type { Consumer, Kafka } from 'kafkajs';
import { procedureIdOfRequest, RegistryError } from '@registry/domain';
import { commandIdCausedBy, type EventSourcedHandler } from '@registry/app';
import { decodeServiceReply, replyOutcome } from '../agencies/service-messages';
import { replyTopic, SERVICE_AGENCY } from '../agencies/service-topics';
import { procedureStreams } from '../procedure-streams';
import { PROCEDURE_RUNNER_ACTOR } from './procedure-steps';
import type { ProcedureRunnerLogger } from './runner-logger';

/**
 * Applies the agencies' replies, read by a consumer group. An offset is committed only after the
 * reply is recorded on its procedure, and the command id derives from the request and attempt, so
 * a reply delivered twice is applied once. A reply that names no request of ours, or cannot be
 * read, is logged and skipped: it must not stop the replies behind it.
 */
export class ServiceReplies {
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly handler: EventSourcedHandler,
    private readonly logger: ProcedureRunnerLogger,
    private readonly now: () => Date,
    private readonly runnerName: string,
  ) {}

  async start(): Promise<void> {
    // A runner killed without leaving the group holds its partitions until the session times out:
    // shorter than kafkajs' 30 s default, so a restarted runner applies replies again soon.
    const sessionTimeout = Number(process.env.PROCEDURE_REPLIES_SESSION_MS ?? 10_000);
    const consumer = this.kafka.consumer({
      groupId: `registry.procedures.${this.runnerName}`,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [replyTopic(SERVICE_AGENCY)], fromBeginning: true });
    // A batch's replies are applied side by side, those of one procedure in order; the offsets are
    // committed once the whole batch is recorded.
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const byProcedure = new Map<string, (Buffer | null)[]>();
        for (const message of batch.messages) {
          const key = message.key?.toString() ?? '';
          byProcedure.set(key, [...(byProcedure.get(key) ?? []), message.value]);
        }
        await Promise.all(
          [...byProcedure.values()].map(async (values) => {
            for (const value of values) await this.apply(value);
          }),
        );
        const last = batch.messages[batch.messages.length - 1];
        if (last) resolveOffset(last.offset);
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async apply(value: Buffer | null): Promise<void> {
    const reply = value ? safely(() => decodeServiceReply(value)) : undefined;
    const outcome = reply ? replyOutcome(reply) : null;
    const procedureId = reply ? procedureIdOfRequest(reply.requestId) : undefined;
    if (!reply || !outcome || !procedureId) {
      this.logger.warn('skipped a service reply that cannot be read');
      return;
    }
    const { state } = await this.handler.load(procedureStreams, procedureId);
    const step = state?.steps.find((candidate) => candidate.request?.requestId === reply.requestId);
    const attempt = reply.attempt || (step?.attempt ?? 1); // 0: the agency answers the latest attempt
    const command = {
      type: 'ApplyServiceReply' as const,
      data: {
        requestId: reply.requestId,
        attempt,
        outcome,
        reference: reply.reference || null,
        validUntil: reply.validUntil || null,
        reason: reply.reason || null,
      },
    };
    const commandId = commandIdCausedBy(reply.requestId, `reply:${attempt}`);
    const envelope = {
      commandId,
      correlationId: procedureId,
      causationId: reply.requestId,
      actor: PROCEDURE_RUNNER_ACTOR,
      now: this.now(),
    };
    try {
      await this.handler.handle(procedureStreams, procedureId, command, envelope);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error; // transient: kafkajs redelivers it
      this.logger.warn(
        { requestId: reply.requestId, code: error.code },
        'skipped a service reply for no request of ours',
      );
    }
  }
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
