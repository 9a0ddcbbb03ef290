import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { decideCitizen, type RegisterBirth } from '@registry/domain';
import { civilDateIn, commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-envelope';
import { PinSpaceExhausted } from '../errors';
import { CitizenStreams, type WriteResult } from '../citizens/citizen-streams';

export type BirthApplication = Omit<RegisterBirth['data'], 'uniqueDigits' | 'mother' | 'father'>;

/** The birth's own write, and the stream's revision once the request's own work is done (its ETag). */
export interface BirthWriteResult extends WriteResult {
  readonly streamRevision: number;
}

export class RegisterBirthCommand {
  constructor(
    readonly application: BirthApplication,
    readonly envelope: CommandEnvelope,
  ) {}
}

/** How many PINs to try before giving up: collisions are rare (10^6 numbers per prefix and year). */
const PIN_CANDIDATES = 32;

/**
 * The six unique digits of candidate `k`, derived from the command id: a retried registration
 * walks the same candidates and finds its own first PIN (the store recognises the event ids).
 */
export function uniqueDigitsFor(commandId: string, k: number): string {
  const hash = createHash('sha256').update(`pin:${commandId}:${k}`).digest();
  return String(hash.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

@CommandHandler(RegisterBirthCommand)
export class RegisterBirthHandler implements ICommandHandler<RegisterBirthCommand, BirthWriteResult> {
  private readonly logger = new Logger('RegisterBirth');

  constructor(private readonly streams: CitizenStreams) {}

  async execute({ application, envelope }: RegisterBirthCommand): Promise<BirthWriteResult> {
    const today = civilDateIn(envelope.now);
    const mother = application.motherPin ? (await this.streams.load(application.motherPin)).state : undefined;
    const father = application.fatherPin ? (await this.streams.load(application.fatherPin)).state : undefined;
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const data = { ...application, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), mother, father };
      const events = decideCitizen({ type: 'RegisterBirth', data }, null, { today });
      const pin = (events[0].data as { pin: string }).pin;
      const written = await this.streams.create(pin, events, envelope);
      if (written) {
        const residence = await this.registerFirstResidence(written, application, envelope);
        return { ...written, streamRevision: residence?.revision ?? written.revision };
      }
    }
    throw new PinSpaceExhausted(`${application.registrationProvinceCode}…`);
  }

  /**
   * The birth procedure's first step: the child's permanent residence at the address of the
   * application, from the date of birth. Its command id derives from the birth event, so a
   * retried registration does not record it twice.
   */
  private async registerFirstResidence(
    birth: WriteResult,
    application: BirthApplication,
    envelope: CommandEnvelope,
  ): Promise<WriteResult | undefined> {
    if (!application.permanentResidence) return undefined;
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
    return this.streams.execute(birth.pin, command, step).catch((error: unknown) => {
      this.logger.error({ err: error, birthEventId }, 'first residence of a birth was not recorded');
      return undefined;
    });
  }
}
