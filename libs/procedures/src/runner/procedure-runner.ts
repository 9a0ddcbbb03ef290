import type { Pool } from 'pg';
import { Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import {
  foldProcedure,
  procedureIdOfStream,
  type DeathRegistered,
  type BirthRegistered,
  type ProcedureStepName,
  type StartProcedure,
} from '@registry/domain';
import { citizenStreams, commandIdCausedBy, type EventSourcedHandler } from '@registry/app';
import {
  formatPosition,
  parsePosition,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@registry/event-store';
import type { AgencyEntitlements } from '@registry/change-feed';
import { batchesOf, Leadership, SubscriptionLoop } from '@registry/read-models';
import { encodeServiceRequest, serviceRequestOf } from '../agencies/service-messages';
import { ensureServiceTopics, SERVICE_AGENCY, requestTopic } from '../agencies/service-topics';
import { procedureIdFor, procedureStreams } from '../procedure-streams';
import { ProcedureSteps, PROCEDURE_RUNNER_ACTOR } from './procedure-steps';
import { ServiceReplies } from './service-replies';
import type { ProcedureRunnerLogger } from './runner-logger';

export type { ProcedureRunnerLogger } from './runner-logger';

/** Events reacted to side by side (grouped by procedure) before the checkpoint moves. */
const BATCH_SIZE = 200;
/** A live batch waits this long for more events: one checkpoint write per batch, not per birth (ADR 0031). */
const LINGER_MS = 10;
/**
 * The checkpoint is written at most this often while batches only start procedures or find
 * nothing to do (most births name no residence): reacting to an event again changes nothing, so a
 * crash only makes the runner look at these events again. A batch that produced requests to an
 * agency moves it at once, so that only a crash, as before, produces them again (ADR 0091).
 */
const CHECKPOINT_EVERY_MS = 1_000;

/** The events a procedure reacts to: the life events that start one, and its own. */
export const PROCEDURE_TRIGGERS = [
  'BirthRegistered',
  'DeathRegistered',
  'DeathAnnulled',
  'ProcedureStarted',
  'ProcedureStepDone',
  'ProcedureRetried',
  'ServiceRequested',
  'ProcedureStepCompensated',
];

export interface ProcedureRunnerDeps {
  readonly store: EventStore;
  readonly pool: Pool;
  readonly handler: EventSourcedHandler;
  /** Null: the registry runs without Kafka; steps that ask an agency wait for a person. */
  readonly kafka: Kafka | null;
  readonly entitlements: AgencyEntitlements;
  readonly logger: ProcedureRunnerLogger;
  readonly now?: () => Date;
}

export interface ProcedureRunnerOptions {
  readonly runnerName: string;
  /** First pause after a transient failure; doubled each time up to maxRetryMs, with jitter. */
  readonly retryMs: number;
  readonly maxRetryMs: number;
  /** A step failing this many times in a row for a reason that is not a rule waits for a person. */
  readonly maxStepFailures: number;
}

/**
 * Runs the linked procedures (DESIGN §7): follows the store's gap-free subscription from its
 * checkpoint, starts a procedure for each birth with a residence and each death, and moves every
 * running procedure on by its current step. All of its state is in the procedures' streams; the
 * checkpoint only says which events it has reacted to, and reacting twice changes nothing, so a
 * crash at any point loses nothing and doubles no effect. One runner leads (advisory lock).
 */
export class ProcedureRunner extends SubscriptionLoop {
  private readonly steps: ProcedureSteps;
  private readonly now: () => Date;
  private readonly failures = new Map<string, number>();
  private producer: Producer | null = null;
  private replies: ServiceReplies | null = null;
  private pauseMs: number;
  /** Last event reacted to, for the operations endpoint. */
  position: Position | null = null;
  /** Where the stored checkpoint stands, and when it was written. */
  private saved: { position: Position | null; at: number } = { position: null, at: -Infinity };
  leading = false;

  constructor(
    private readonly deps: ProcedureRunnerDeps,
    private readonly options: ProcedureRunnerOptions,
  ) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.steps = new ProcedureSteps(deps.handler, deps.kafka !== null, this.now);
    this.pauseMs = options.retryMs;
  }

  protected async run(): Promise<void> {
    while (!this.stopped) {
      let leadership: Leadership | undefined;
      try {
        leadership = await Leadership.tryAcquire(
          this.deps.pool,
          `registry.procedure-runner.${this.options.runnerName}`,
          () => void this.subscription?.close(),
        );
        if (!leadership) {
          await this.pause(this.options.maxRetryMs);
          continue;
        }
        this.leading = true;
        this.deps.logger.log(`procedure runner ${this.options.runnerName} leading`);
        await this.lead(leadership);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'procedure runner failed; retrying');
        await this.pause(this.backOff());
      } finally {
        this.leading = false;
        await this.disconnect();
        await leadership?.release();
      }
    }
  }

  private async lead(leadership: Leadership): Promise<void> {
    await this.connect();
    const after = await this.loadCheckpoint();
    const subscription = this.deps.store.subscribeToAll({ after, filter: { eventTypes: PROCEDURE_TRIGGERS } });
    this.subscription = subscription;
    if (this.stopped) await subscription.close();
    try {
      for await (const batch of batchesOf(subscription, BATCH_SIZE, LINGER_MS)) {
        if (this.stopped || !leadership.held) break;
        const produced = await this.reactToBatch(batch);
        this.position = batch[batch.length - 1].position;
        if (produced || performance.now() - this.saved.at >= CHECKPOINT_EVERY_MS) await this.saveCheckpoint();
        this.pauseMs = this.options.retryMs; // a success ends a run of failures
      }
      // A stop: the next start begins where this one ended (or a little before, if this write fails).
      if (leadership.held) await this.saveCheckpoint().catch(() => undefined);
    } finally {
      await subscription.close();
    }
  }

  /**
   * Procedures are independent of each other: the batch's events are grouped by procedure, the
   * groups run side by side, each in its own order. The checkpoint moves once all are done.
   */
  private async reactToBatch(batch: readonly RecordedEvent[]): Promise<boolean> {
    const groups = new Map<string, RecordedEvent[]>();
    const annulments = batch.filter((event) => event.type === 'DeathAnnulled');
    for (const event of batch) {
      if (event.type === 'DeathAnnulled') continue; // after the groups: it names its procedure only through the death
      const key = procedureIdOfStream(event.streamId) ?? procedureIdFor(event.eventId);
      groups.set(key, [...(groups.get(key) ?? []), event]);
    }
    const outgoing: TopicMessages[] = [];
    const outcomes = await Promise.allSettled(
      [...groups.values()].map(async (events) => {
        for (const event of events) await this.react(event, outgoing);
      }),
    );
    // Every group has finished before the batch is retried from the checkpoint: none runs on in the background.
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const annulment of annulments) await this.compensateDeath(annulment);
    // The batch's requests in one produce, acknowledged by all in-sync replicas before the checkpoint moves.
    if (outgoing.length === 0) return false;
    await this.producer!.sendBatch({ acks: -1, topicMessages: outgoing });
    return true;
  }

  private async react(event: RecordedEvent, outgoing: TopicMessages[]): Promise<void> {
    const correlationId = String(event.metadata.correlationId ?? event.eventId);
    switch (event.type) {
      case 'BirthRegistered':
        return this.startBirth(event, correlationId);
      case 'DeathRegistered':
        return this.startDeath(event, correlationId);
      case 'ServiceRequested':
      case 'ProcedureStepCompensated':
        return this.request(event, outgoing);
      default:
        return this.advance(event, correlationId);
    }
  }

  private async startBirth(event: RecordedEvent, correlationId: string): Promise<void> {
    const birth = event.data as unknown as BirthRegistered['data'];
    if (!birth.permanentResidence) return;
    await this.startProcedure(event, correlationId, {
      kind: 'birth',
      pin: birth.pin,
      provinceCode: birth.registrationProvinceCode,
      application: {
        name: birth.name,
        address: birth.permanentResidence,
        dateOfBirth: birth.dateOfBirth,
        dateOfDeath: null,
        motherPin: birth.motherPin,
      },
    });
  }

  private async startDeath(event: RecordedEvent, correlationId: string): Promise<void> {
    const death = event.data as unknown as DeathRegistered['data'];
    const { state: citizen } = await this.deps.handler.load(citizenStreams, death.pin);
    if (!citizen) return;
    const office = (event.metadata.actor as { office?: string | null } | undefined)?.office;
    await this.startProcedure(event, correlationId, {
      kind: 'death',
      pin: death.pin,
      provinceCode: office ?? citizen.permanentResidence?.address.provinceCode ?? death.placeOfDeath.provinceCode,
      application: {
        name: citizen.name,
        address: citizen.permanentResidence?.address ?? null,
        dateOfBirth: citizen.dateOfBirth,
        dateOfDeath: death.dateOfDeath,
        motherPin: citizen.motherPin,
      },
    });
  }

  private async startProcedure(
    event: RecordedEvent,
    correlationId: string,
    facts: Omit<StartProcedure['data'], 'procedureId' | 'startedOn' | 'startedBy'>,
  ): Promise<void> {
    const procedureId = procedureIdFor(event.eventId);
    const startedOn = event.recordedAt.toISOString().slice(0, 10);
    const envelope = {
      commandId: commandIdCausedBy(event.eventId, 'start-procedure'),
      correlationId,
      causationId: event.eventId,
      actor: PROCEDURE_RUNNER_ACTOR,
      now: this.now(),
    };
    await this.deps.handler.handle(
      procedureStreams,
      procedureId,
      { type: 'StartProcedure', data: { ...facts, procedureId, startedOn, startedBy: event.eventId } },
      envelope,
      { expected: 'no_stream' },
    );
  }

  /**
   * A death registered in error was annulled: its procedure is cancelled, each step it had done
   * compensated (the annulment itself restores the residence; a request sent is withdrawn).
   */
  private async compensateDeath(annulment: RecordedEvent): Promise<void> {
    const before = await this.deps.store.readStream(annulment.streamId, { maxCount: annulment.revision });
    const death = before.reverse().find((event) => event.type === 'DeathRegistered');
    if (!death) return;
    const procedureId = procedureIdFor(death.eventId);
    const { state } = await this.deps.handler.load(procedureStreams, procedureId);
    if (!state) return;
    await this.deps.handler.handle(
      procedureStreams,
      procedureId,
      { type: 'CancelProcedure', data: { reason: 'DEATH_ANNULLED' } },
      {
        commandId: commandIdCausedBy(annulment.eventId, 'cancel-procedure'),
        correlationId: String(annulment.metadata.correlationId ?? annulment.eventId),
        causationId: annulment.eventId,
        actor: PROCEDURE_RUNNER_ACTOR,
        now: this.now(),
      },
    );
  }

  /** Performs the current step of the procedure the event belongs to. */
  private async advance(event: RecordedEvent, correlationId: string): Promise<void> {
    const procedureId = procedureIdOfStream(event.streamId);
    if (!procedureId) return;
    const { state: procedure } = await this.deps.handler.load(procedureStreams, procedureId);
    if (!procedure) return;
    try {
      await this.steps.advance(procedure, correlationId);
      this.failures.delete(procedureId);
    } catch (error) {
      await this.countFailure(procedureId, error, correlationId);
    }
  }

  /**
   * A step that keeps failing for a reason that is not a rule (the agency's topic refused, a bug)
   * must not hold every other procedure behind it: after a few tries it waits for a person.
   */
  private async countFailure(procedureId: string, error: unknown, correlationId: string): Promise<void> {
    const failures = (this.failures.get(procedureId) ?? 0) + 1;
    this.failures.set(procedureId, failures);
    if (failures < this.options.maxStepFailures) throw error;
    this.failures.delete(procedureId);
    const { state: procedure } = await this.deps.handler.load(procedureStreams, procedureId);
    const step = procedure?.steps.find((candidate) => candidate.status === 'pending');
    if (!procedure || !step) throw error;
    const reason = `STEP_KEEPS_FAILING: ${error instanceof Error ? error.message : String(error)}`;
    await this.steps.record(
      procedure,
      { type: 'RecordStepFailure', data: { step: step.name, reason } },
      `${step.name}:failed:${step.attempt}`,
      correlationId,
    );
  }

  /**
   * Produces the request a ServiceRequested event records (the store is the outbox): after a crash
   * the same attempt is produced again, byte for byte, and the agency dedupes by request id.
   */
  private async request(event: RecordedEvent, outgoing: TopicMessages[]): Promise<void> {
    if (!this.producer) return;
    const procedureId = procedureIdOfStream(event.streamId);
    if (!procedureId) return;
    const events = await this.deps.store.readStream(event.streamId, { maxCount: event.revision + 1 });
    const procedure = foldProcedure(events.map((recorded) => ({ type: recorded.type, data: recorded.data }) as never));
    const stepName = (event.data as { step: ProcedureStepName }).step;
    const step = procedure?.steps.find((candidate) => candidate.name === stepName);
    if (!procedure || !step?.request) return; // a compensated step that never asked anything
    const withdraw = event.type === 'ProcedureStepCompensated';
    const attempt = withdraw ? step.requestedAttempt : (event.data as { attempt: number }).attempt;
    const request = serviceRequestOf(
      procedure,
      step,
      attempt,
      withdraw ? 'withdraw' : 'apply',
      this.deps.entitlements.get(step.request.agency),
    );
    outgoing.push({
      topic: requestTopic(step.request.agency),
      messages: [
        {
          key: procedure.pin,
          value: Buffer.from(encodeServiceRequest(request)),
          headers: {
            'request-id': request.requestId,
            'event-id': event.eventId,
            'content-type': 'application/x-protobuf',
          },
        },
      ],
    });
  }

  private async connect(): Promise<void> {
    const { kafka } = this.deps;
    if (!kafka) return;
    await ensureServiceTopics(kafka, SERVICE_AGENCY);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 of the PIN, where the change feeds and Java clients put it too
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.replies = new ServiceReplies(kafka, this.deps.handler, this.deps.logger, this.now, this.options.runnerName);
    await this.replies.start();
  }

  private async disconnect(): Promise<void> {
    await this.replies?.stop().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.replies = null;
    this.producer = null;
  }

  private async loadCheckpoint(): Promise<Position | undefined> {
    const { rows } = await this.deps.pool.query<{ position: string }>(
      'SELECT position FROM procedure_runner_checkpoints WHERE runner = $1',
      [this.options.runnerName],
    );
    this.position = rows[0] ? parsePosition(rows[0].position) : null;
    this.saved = { position: this.position, at: performance.now() };
    return this.position ?? undefined;
  }

  /** Stores `position` (the last event reacted to), unless stored already. */
  private async saveCheckpoint(): Promise<void> {
    const position = this.position;
    if (!position || position === this.saved.position) return;
    await this.deps.pool.query(
      `INSERT INTO procedure_runner_checkpoints (runner, position) VALUES ($1, $2)
       ON CONFLICT (runner) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [this.options.runnerName, formatPosition(position)],
    );
    this.saved = { position, at: performance.now() };
  }

  /** Exponential back-off with full jitter, so replicas that failed together do not retry together. */
  private backOff(): number {
    const ms = Math.random() * this.pauseMs;
    this.pauseMs = Math.min(this.pauseMs * 2, this.options.maxRetryMs);
    return ms;
  }
}
