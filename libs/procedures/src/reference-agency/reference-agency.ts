import { createHash } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { RequestAction, ServiceKind } from '@registry/contracts';
import { decodeServiceRequest, encodeServiceReply, type ServiceReplyInit } from '../agencies/service-messages';
import { ensureServiceTopics, replyTopic, requestTopic } from '../agencies/service-topics';

/** How the reference agency answers (for demos and tests). */
export interface AgencyBehaviour {
  /** `grant` every request, `refuse` every request, or `refuse-first`: refuse attempt 1, grant the retries. */
  readonly decision: 'grant' | 'refuse' | 'refuse-first';
  /** Milliseconds to wait before answering. */
  readonly delayMs: number;
  /** Send every reply twice (the registry must apply it once). */
  readonly replyTwice: boolean;
}

export const GRANT_ALL: AgencyBehaviour = { decision: 'grant', delayMs: 0, replyTwice: false };

/** What the agency saw, for tests: each request as received (withdrawals included). */
export interface ReceivedRequest {
  readonly requestId: string;
  readonly attempt: number;
  readonly action: 'apply' | 'withdraw';
  readonly pin: string;
  readonly bytes: Buffer;
}

/**
 * A stand-in for the social security agency (vss) on the real Kafka protocol: reads the registry's
 * requests with a consumer group and answers on its reply topic, deterministically (the card number
 * derives from the request id), so a request delivered twice gets the same answer.
 */
export class ReferenceAgency {
  readonly received: ReceivedRequest[] = [];
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;

  constructor(
    private readonly kafka: Kafka,
    readonly agencyId: string,
    public behaviour: AgencyBehaviour = GRANT_ALL,
  ) {}

  async start(): Promise<void> {
    await ensureServiceTopics(this.kafka, this.agencyId);
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 of the PIN, where the change feeds and Java clients put it too
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: `reference-agency.${this.agencyId}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [requestTopic(this.agencyId)], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) await this.answer(message.value);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async answer(bytes: Buffer): Promise<void> {
    const request = decodeServiceRequest(bytes);
    const action = request.action === RequestAction.WITHDRAW ? 'withdraw' : 'apply';
    this.received.push({ requestId: request.requestId, attempt: request.attempt, action, pin: request.pin, bytes });
    if (action === 'withdraw') return;
    if (this.behaviour.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.behaviour.delayMs));
    const reply = this.decide(request.requestId, request.attempt, request.kind, request.facts?.dateOfBirth ?? '');
    const messages = Array.from({ length: this.behaviour.replyTwice ? 2 : 1 }, () => ({
      key: request.pin,
      value: Buffer.from(encodeServiceReply(reply)),
    }));
    await this.producer!.send({ topic: replyTopic(this.agencyId), acks: -1, messages });
  }

  private decide(requestId: string, attempt: number, kind: ServiceKind, dateOfBirth: string): ServiceReplyInit {
    const { decision } = this.behaviour;
    if (decision === 'refuse' || (decision === 'refuse-first' && attempt === 1)) {
      return { requestId, attempt, outcome: 'REFUSED', reason: 'not found in the insurance register' };
    }
    const digits = createHash('sha256')
      .update(requestId)
      .digest()
      .readUIntBE(0, 6)
      .toString()
      .padStart(10, '0')
      .slice(0, 10);
    if (kind === ServiceKind.HEALTH_INSURANCE_CARD) {
      // A child's card is valid until the day before the sixth birthday (Law on Health Insurance).
      const validUntil = dateOfBirth ? `${Number(dateOfBirth.slice(0, 4)) + 6}${dateOfBirth.slice(4)}` : '';
      return { requestId, attempt, outcome: 'GRANTED', reference: `TE1${digits}`, validUntil };
    }
    return { requestId, attempt, outcome: 'GRANTED', reference: `QD-${digits}` };
  }
}
