import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { BirthRegistered, CitizenEvent, RegisterBirth } from '@registry/domain';
import type { CommandEnvelope } from '../command-handling/command-envelope';
import { EventSourcedHandler, StreamAlreadyExists, type WriteResult } from '../command-handling/event-sourced-handler';
import { PinSpaceExhausted, WriteContention } from '../errors';
import { loadCurrentCitizen } from '../citizens/current-citizen';
import { ChildrenIndex } from './children-index';
import { citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { PIN_CANDIDATES, uniqueDigitsFor } from '../citizens/pin-candidates';

export type BirthApplication = Omit<RegisterBirth['data'], 'uniqueDigits' | 'mother' | 'father' | 'siblings'>;

/** How often to decide again when another birth of the same mother was recorded meanwhile. */
const INDEX_ATTEMPTS = 5;

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
  constructor(
    private readonly streams: EventSourcedHandler,
    private readonly children: ChildrenIndex,
  ) {}

  async execute({ application, envelope }: RegisterBirthCommand): Promise<BirthWriteResult> {
    // A parent named by a re-established PIN is the same person: check and record the current PIN.
    const mother = application.motherPin ? await this.parent(application.motherPin) : undefined;
    const father = application.fatherPin ? await this.parent(application.fatherPin) : undefined;
    const parents = {
      motherPin: mother?.pin ?? application.motherPin,
      fatherPin: father?.pin ?? application.fatherPin,
    };
    for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
      const birth = await this.registerOnce({ ...application, ...parents }, { mother, father }, envelope);
      if (birth) return birth;
    }
    throw new WriteContention(`children-${parents.motherPin}`);
  }

  /**
   * One attempt: decide with the mother's children as read (the duplicate check), claim the
   * child's entry in her index at that revision, then open the child's stream with the next free
   * PIN. Undefined when the index moved meanwhile (decide again).
   */
  private async registerOnce(
    application: BirthApplication,
    parents: Pick<RegisterBirth['data'], 'mother' | 'father'>,
    envelope: CommandEnvelope,
  ): Promise<BirthWriteResult | undefined> {
    const motherPin = application.motherPin;
    const index = motherPin ? await this.children.read(motherPin) : undefined;
    const siblings = index && motherPin ? await this.children.siblings(motherPin, index, envelope.commandId) : [];
    const claimed = new Set(index?.entries.filter((e) => e.commandId === envelope.commandId).map((e) => e.childPin));
    let expected = index?.revision ?? -1;
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const data = { ...application, ...parents, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), siblings };
      const command = citizenCommand({ type: 'RegisterBirth', data }, envelope);
      const decided = citizenStreams.decider.decide(command, null)[0] as BirthRegistered;
      const entry = { childPin: decided.data.pin, name: decided.data.name, dateOfBirth: decided.data.dateOfBirth };
      if (motherPin && !claimed.has(entry.childPin)) {
        const recorded = await this.children.record(motherPin, entry, expected < 0 ? 'no_stream' : expected, envelope);
        if (!recorded) return undefined;
        expected++;
      }
      try {
        const birth = await this.streams.handle(citizenStreams, entry.childPin, command, envelope, {
          expected: 'no_stream',
        });
        if (application.fatherPin) await this.children.record(application.fatherPin, entry, 'any', envelope);
        // The child's residence and health insurance card follow in the birth procedure (libs/procedures).
        return { ...birth, streamRevision: birth.revision };
      } catch (error) {
        if (!(error instanceof StreamAlreadyExists)) throw error;
      }
    }
    throw new PinSpaceExhausted(`${application.registrationProvinceCode}…`);
  }

  private async parent(pin: string) {
    return (await loadCurrentCitizen(this.streams, pin)).state;
  }
}
