import {
  currentStep,
  RegistryError,
  serviceRequestId,
  type CancelPermanentResidence,
  type Procedure,
  type ProcedureCommand,
  type ProcedureStep,
  type RegisterPermanentResidence,
} from '@registry/domain';
import {
  citizenCommand,
  citizenStreams,
  commandIdCausedBy,
  type CommandEnvelope,
  type EventSourcedHandler,
} from '@registry/app';
import { SERVICE_AGENCY } from '../agencies/service-topics';
import { procedureStreams } from '../procedure-streams';

/** Who the runner's events name as their actor. */
export const PROCEDURE_RUNNER_ACTOR = { sub: 'procedure-runner', office: null, roles: ['system'] } as const;

/**
 * Takes a running procedure one step further: performs its current step's effect and records it on
 * the procedure. Every write has a command id derived from the procedure and the step, so a runner
 * that repeats a step after a crash changes nothing twice.
 */
export class ProcedureSteps {
  constructor(
    private readonly handler: EventSourcedHandler,
    private readonly agenciesReachable: boolean,
    private readonly now: () => Date,
  ) {}

  async advance(procedure: Procedure, correlationId: string): Promise<void> {
    const step = currentStep(procedure);
    if (procedure.status !== 'running' || !step) return;
    switch (step.name) {
      case 'permanent_residence':
        return this.citizenStep(procedure, step, correlationId, {
          type: 'RegisterPermanentResidence',
          data: { address: procedure.application.address!, effectiveDate: procedure.application.dateOfBirth },
        });
      case 'residence_cancellation':
        return this.citizenStep(procedure, step, correlationId, {
          type: 'CancelPermanentResidence',
          data: { reason: 'deceased', effectiveDate: procedure.application.dateOfDeath!, note: null },
        });
      case 'health_insurance_card':
        return this.request(procedure, step, 'HEALTH_INSURANCE_CARD', correlationId);
      case 'funeral_allowance':
        return this.request(procedure, step, 'FUNERAL_ALLOWANCE', correlationId);
      default: {
        const unknown: never = step.name;
        throw new Error(`Unhandled procedure step ${String(unknown)}`);
      }
    }
  }

  /** Records on the procedure; the command id makes a repeated record a no-op. */
  record(procedure: Procedure, command: ProcedureCommand, key: string, correlationId: string) {
    return this.handler.handle(
      procedureStreams,
      procedure.id,
      command,
      this.envelope(procedure.id, key, correlationId),
    );
  }

  private async citizenStep(
    procedure: Procedure,
    step: ProcedureStep,
    correlationId: string,
    command: RegisterPermanentResidence | CancelPermanentResidence,
  ): Promise<void> {
    // Derived from the event that started the procedure: the id the birth's first residence always had.
    const commandId = commandIdCausedBy(
      procedure.startedBy,
      step.name === 'permanent_residence' ? 'permanent-residence' : step.name,
    );
    const envelope = {
      ...this.envelope(procedure.id, step.name, correlationId),
      commandId,
      causationId: procedure.startedBy,
    };
    if (step.name === 'permanent_residence' && (await this.residenceAlreadyRecorded(procedure))) {
      return this.done(procedure, step, { alreadyRecorded: true }, correlationId);
    }
    try {
      const written = await this.handler.handle(
        citizenStreams,
        procedure.pin,
        citizenCommand(command, envelope),
        envelope,
      );
      await this.done(procedure, step, { revision: written.revision }, correlationId);
    } catch (error) {
      // A death without a permanent residence has nothing to cancel: the step is done, and says so.
      if (
        error instanceof RegistryError &&
        error.code === 'NO_PERMANENT_RESIDENCE' &&
        step.name === 'residence_cancellation'
      ) {
        return this.done(procedure, step, { skipped: error.code }, correlationId);
      }
      if (!(error instanceof RegistryError)) throw error; // transient: the runner retries with back-off
      await this.record(
        procedure,
        { type: 'RecordStepFailure', data: { step: step.name, reason: error.code } },
        `${step.name}:failed:${step.attempt}`,
        correlationId,
      );
    }
  }

  /**
   * The child already has a permanent residence: registered by the earlier, inline form of this
   * step (same command id, found by the handler) or by an officer before the runner got here. The
   * registry does not register the application's address over it.
   */
  private async residenceAlreadyRecorded(procedure: Procedure): Promise<boolean> {
    const { state } = await this.handler.load(citizenStreams, procedure.pin);
    return state !== null && state.permanentResidence !== null;
  }

  private async request(
    procedure: Procedure,
    step: ProcedureStep,
    kind: 'HEALTH_INSURANCE_CARD' | 'FUNERAL_ALLOWANCE',
    correlationId: string,
  ) {
    if (step.requestedAttempt >= step.attempt) return; // asked already: the reply moves it on
    if (!this.agenciesReachable) {
      const reason = 'AGENCY_UNREACHABLE: the registry runs without Kafka (KAFKA_BROKERS is not set)';
      await this.record(
        procedure,
        { type: 'RecordStepFailure', data: { step: step.name, reason } },
        `${step.name}:failed:${step.attempt}`,
        correlationId,
      );
      return;
    }
    const requestId = serviceRequestId(procedure.id, step.name);
    await this.record(
      procedure,
      { type: 'RecordServiceRequested', data: { step: step.name, requestId, agency: SERVICE_AGENCY, kind } },
      `${step.name}:requested:${step.attempt}`,
      correlationId,
    );
  }

  private done(procedure: Procedure, step: ProcedureStep, outcome: Record<string, unknown>, correlationId: string) {
    return this.record(
      procedure,
      { type: 'RecordStepDone', data: { step: step.name, outcome } },
      `${step.name}:done:${step.attempt}`,
      correlationId,
    ).then(() => undefined);
  }

  private envelope(procedureId: string, key: string, correlationId: string): CommandEnvelope {
    const commandId = commandIdCausedBy(procedureId, key);
    return { commandId, correlationId, causationId: procedureId, actor: PROCEDURE_RUNNER_ACTOR, now: this.now() };
  }
}
