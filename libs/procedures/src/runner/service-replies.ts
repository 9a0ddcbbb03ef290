import type { Consumer, Kafka } from 'kafkajs';
import { procedureIdOfRequest, RegistryError } from '@registry/domain';
import { commandIdCausedBy, type EventSourcedHandler } from '@registry/app';
import { decodeServiceReply, replyOutcome } from '../agencies/service-messages';
import { replyTopic, SERVICE_AGENCY } from '../agencies/service-topics';
import { procedureStreams } from '../procedure-streams';
import { PROCEDURE_RUNNER_ACTOR } from './procedure-steps';
import type { ProcedureRunnerLogger } from './procedure-runner';

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
    const consumer = this.kafka.consumer({ groupId: `registry.procedures.${this.runnerName}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [replyTopic(SERVICE_AGENCY)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => this.apply(message.value) });
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
