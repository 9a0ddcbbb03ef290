import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { decideCitizen, type BirthRegistered, type RegisterBirth } from '@registry/domain';
import { civilDateIn, commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-envelope';
import { PinSpaceExhausted, WriteContention } from '../errors';
import { ChildrenIndex } from './children-index';
import { CitizenStreams, type WriteResult } from '../citizens/citizen-streams';

export type BirthApplication = Omit<RegisterBirth['data'], 'uniqueDigits' | 'mother' | 'father' | 'siblings'>;

export class RegisterBirthCommand {
  constructor(
    readonly application: BirthApplication,
    readonly envelope: CommandEnvelope,
  ) {}
}

/** How many PINs to try before giving up: collisions are rare (10^6 numbers per prefix and year). */
const PIN_CANDIDATES = 32;
/** How often to decide again when another birth of the same mother was recorded meanwhile. */
const INDEX_ATTEMPTS = 5;

/**
 * The six unique digits of candidate `k`, derived from the command id: a retried registration
 * walks the same candidates and finds its own first PIN (the store recognises the event ids).
 */
export function uniqueDigitsFor(commandId: string, k: number): string {
  const hash = createHash('sha256').update(`pin:${commandId}:${k}`).digest();
  return String(hash.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

@CommandHandler(RegisterBirthCommand)
export class RegisterBirthHandler implements ICommandHandler<RegisterBirthCommand, WriteResult> {
  private readonly logger = new Logger('RegisterBirth');

  constructor(
    private readonly streams: CitizenStreams,
    private readonly children: ChildrenIndex,
  ) {}

  async execute({ application, envelope }: RegisterBirthCommand): Promise<WriteResult> {
    // A parent named by a re-established PIN is the same person: check and record the current PIN.
    const mother = application.motherPin ? (await this.streams.loadCurrent(application.motherPin)).state : undefined;
    const father = application.fatherPin ? (await this.streams.loadCurrent(application.fatherPin)).state : undefined;
    const parents = {
      motherPin: mother?.pin ?? application.motherPin,
      fatherPin: father?.pin ?? application.fatherPin,
      mother,
      father,
    };
    for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
      const written = await this.registerOnce({ ...application, ...parents }, parents, envelope);
      if (written) return written;
    }
    throw new WriteContention(parents.motherPin ?? application.registrationProvinceCode);
  }

  /**
   * One attempt: decide with the mother's children as read, claim the child's entry in her index
   * at that revision, then open the child's stream. Undefined when the index moved meanwhile.
   */
  private async registerOnce(
    application: BirthApplication,
    parents: Pick<RegisterBirth['data'], 'mother' | 'father'>,
    envelope: CommandEnvelope,
  ): Promise<WriteResult | undefined> {
    const today = civilDateIn(envelope.now);
    const motherPin = application.motherPin;
    const index = motherPin ? await this.children.read(motherPin) : undefined;
    const siblings = index && motherPin ? await this.children.siblings(motherPin, index, envelope.commandId) : [];
    const claimed = new Set(index?.entries.filter((e) => e.commandId === envelope.commandId).map((e) => e.childPin));
    let expected = index?.revision ?? -1;
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const data = { ...application, ...parents, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), siblings };
      const events = decideCitizen({ type: 'RegisterBirth', data }, null, { today });
      const birth = events[0] as BirthRegistered;
      const entry = { childPin: birth.data.pin, name: birth.data.name, dateOfBirth: birth.data.dateOfBirth };
      if (motherPin && !claimed.has(entry.childPin)) {
        const recorded = await this.children.record(motherPin, entry, expected < 0 ? 'no_stream' : expected, envelope);
        if (!recorded) return undefined;
        expected++;
      }
      const written = await this.streams.create(entry.childPin, events, envelope);
      if (written) {
        if (application.fatherPin) await this.children.record(application.fatherPin, entry, 'any', envelope);
        await this.registerFirstResidence(written, application, envelope);
        return written;
      }
    }
    throw new PinSpaceExhausted(`${application.registrationProvinceCode}…`);
  }

  /**
   * The birth procedure's first step: the child's permanent residence at the address of the
   * application, from the date of birth. Its command id derives from the birth event, so a
   * retried registration does not record it twice.
   */
  private async registerFirstResidence(birth: WriteResult, application: BirthApplication, envelope: CommandEnvelope) {
    if (!application.permanentResidence) return;
    const birthEventId = eventIdFor(envelope.commandId, 0);
    const step: CommandEnvelope = {
      ...envelope,
      commandId: commandIdCausedBy(birthEventId, 'permanent-residence'),
      causationId: birthEventId,
    };
    const command = {
      type: 'RegisterPermanentResidence' as const,
      data: { address: application.permanentResidence, effectiveDate: application.child.dateOfBirth },
    };
    await this.streams.execute(birth.pin, command, step).catch((error: unknown) => {
      this.logger.error({ err: error, birthEventId }, 'first residence of a birth was not recorded');
    });
  }
}
