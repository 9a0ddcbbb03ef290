import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CitizenEvent, RegisterBirth } from '@registry/domain';
import { commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-handling/command-envelope';
import { EventSourcedHandler, StreamAlreadyExists, type WriteResult } from '../command-handling/event-sourced-handler';
import { PinSpaceExhausted } from '../errors';
import { citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { PIN_CANDIDATES, uniqueDigitsFor } from '../citizens/pin-candidates';

export type BirthApplication = Omit<RegisterBirth['data'], 'uniqueDigits' | 'mother' | 'father'>;

/** The birth's own write, and the stream's revision once the request's own work is done (its ETag). */
export interface BirthWriteResult extends WriteResult<CitizenEvent> {
  readonly streamRevision: number;
}

export class RegisterBirthCommand {
  constructor(
    readonly application: BirthApplication,
    readonly envelope: CommandEnvelope,
  ) {}
}

/**
 * A birth opens the child's stream ("no stream" expected): the PIN is decided with the next
 * candidate's digits until one is free. The parents named are looked up first (the domain checks them).
 */
@CommandHandler(RegisterBirthCommand)
export class RegisterBirthHandler implements ICommandHandler<RegisterBirthCommand, BirthWriteResult> {
  private readonly logger = new Logger('RegisterBirth');

  constructor(private readonly streams: EventSourcedHandler) {}

  async execute({ application, envelope }: RegisterBirthCommand): Promise<BirthWriteResult> {
    const mother = application.motherPin ? await this.parent(application.motherPin) : undefined;
    const father = application.fatherPin ? await this.parent(application.fatherPin) : undefined;
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const data = { ...application, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), mother, father };
      const command = citizenCommand({ type: 'RegisterBirth', data }, envelope);
      const pin = (citizenStreams.decider.decide(command, null)[0].data as { pin: string }).pin;
      try {
        const birth = await this.streams.handle(citizenStreams, pin, command, envelope, { expected: 'no_stream' });
        const residence = await this.registerFirstResidence(birth, application, envelope);
        return { ...birth, streamRevision: residence?.revision ?? birth.revision };
      } catch (error) {
        if (!(error instanceof StreamAlreadyExists)) throw error;
      }
    }
    throw new PinSpaceExhausted(`${application.registrationProvinceCode}…`);
  }

  private async parent(pin: string) {
    return (await this.streams.load(citizenStreams, pin)).state;
  }

  /**
   * The birth procedure's first step: the child's permanent residence at the address of the
   * application, from the date of birth. Its command id derives from the birth event, so a
   * retried registration does not record it twice.
   */
  private async registerFirstResidence(
    birth: WriteResult<CitizenEvent>,
    application: BirthApplication,
    envelope: CommandEnvelope,
  ): Promise<WriteResult<CitizenEvent> | undefined> {
    if (!application.permanentResidence) return undefined;
    const birthEventId = eventIdFor(envelope.commandId, 0);
    const step: CommandEnvelope = {
      ...envelope,
      commandId: commandIdCausedBy(birthEventId, 'permanent-residence'),
      causationId: birthEventId,
    };
    const command = citizenCommand(
      {
        type: 'RegisterPermanentResidence',
        data: { address: application.permanentResidence, effectiveDate: application.child.dateOfBirth },
      },
      step,
    );
    return this.streams.handle(citizenStreams, birth.id, command, step).catch((error: unknown) => {
      this.logger.error({ err: error, birthEventId }, 'first residence of a birth was not recorded');
      return undefined;
    });
  }
}
