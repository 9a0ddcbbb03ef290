import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CitizenEvent, RegisterBirth } from '@registry/domain';
import type { CommandEnvelope } from '../command-handling/command-envelope';
import { EventSourcedHandler, StreamAlreadyExists, type WriteResult } from '../command-handling/event-sourced-handler';
import { PinSpaceExhausted } from '../errors';
import { citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { PIN_CANDIDATES, uniqueDigitsFor } from '../citizens/pin-candidates';

export type BirthApplication = Omit<RegisterBirth['data'], 'uniqueDigits' | 'mother' | 'father'>;

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
export class RegisterBirthHandler implements ICommandHandler<RegisterBirthCommand, WriteResult<CitizenEvent>> {
  constructor(private readonly streams: EventSourcedHandler) {}

  async execute({ application, envelope }: RegisterBirthCommand): Promise<WriteResult<CitizenEvent>> {
    const mother = application.motherPin ? await this.parent(application.motherPin) : undefined;
    const father = application.fatherPin ? await this.parent(application.fatherPin) : undefined;
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const data = { ...application, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), mother, father };
      const command = citizenCommand({ type: 'RegisterBirth', data }, envelope);
      const pin = (citizenStreams.decider.decide(command, null)[0].data as { pin: string }).pin;
      try {
        // The child's residence and health insurance card follow in the birth procedure (libs/procedures).
        return await this.streams.handle(citizenStreams, pin, command, envelope, { expected: 'no_stream' });
      } catch (error) {
        if (!(error instanceof StreamAlreadyExists)) throw error;
      }
    }
    throw new PinSpaceExhausted(`${application.registrationProvinceCode}…`);
  }

  private async parent(pin: string) {
    return (await this.streams.load(citizenStreams, pin)).state;
  }
}
