import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  afterCorrection,
  continueCitizen,
  type CitizenEvent,
  type CorrectableField,
  type CorrectionRelatives,
  type CitizenRecord,
  type CorrectRecord,
  type PinReestablished,
  type RecordCorrected,
} from '@registry/domain';
import { commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-envelope';
import { RegistryRequestError } from '../errors';
import { uniqueDigitsFor } from '../births/register-birth.handler';
import { ChildrenIndex } from '../births/children-index';
import { CitizenStreams, type ExecuteOptions, type WriteResult } from '../citizens/citizen-streams';

export class CorrectRecordCommand {
  constructor(
    readonly pin: string,
    readonly correction: Omit<CorrectRecord['data'], 'uniqueDigits' | 'relatives'>,
    readonly envelope: CommandEnvelope,
    readonly options: Omit<ExecuteOptions, 'beforeAppend'> = {},
  ) {}
}

/** The citizen's PIN after the correction, and the revision of that PIN's stream. */
export interface CorrectionResult extends WriteResult {
  readonly reestablished: boolean;
}

class NewPinTaken extends Error {}
const PIN_CANDIDATES = 32;

/**
 * A correction; when it re-establishes the PIN, the new stream is opened first (its "no stream"
 * append is the reservation of the new PIN), then the old stream is closed pointing to it.
 */
@CommandHandler(CorrectRecordCommand)
export class CorrectRecordHandler implements ICommandHandler<CorrectRecordCommand, CorrectionResult> {
  constructor(
    private readonly streams: CitizenStreams,
    private readonly children: ChildrenIndex,
  ) {}

  async execute({ pin, correction, envelope, options }: CorrectRecordCommand): Promise<CorrectionResult> {
    const relatives = await this.relativesFor(pin, correction.field);
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const command = {
        type: 'CorrectRecord' as const,
        data: { ...correction, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), relatives },
      };
      const beforeAppend = (events: readonly CitizenEvent[], citizen: CitizenRecord) =>
        this.openNewPin(events, citizen, envelope);
      try {
        const result = await this.streams.execute(pin, command, envelope, { ...options, beforeAppend });
        return this.answer(result);
      } catch (error) {
        if (!(error instanceof NewPinTaken)) throw error;
      }
    }
    throw new RegistryRequestError('PIN_SPACE_EXHAUSTED', 'Could not find a free PIN to re-establish');
  }

  /** The parents and children a corrected date is checked against again (dates decide plausibility). */
  private async relativesFor(pin: string, field: CorrectableField): Promise<CorrectionRelatives | undefined> {
    if (field !== 'dateOfBirth' && field !== 'dateOfDeath') return undefined;
    const citizen = (await this.streams.load(pin)).state;
    if (!citizen) return undefined; // the generic handler answers CITIZEN_NOT_FOUND
    const parent = async (parentPin: string | null) =>
      parentPin ? (await this.streams.loadCurrent(parentPin)).state : undefined;
    return {
      mother: await parent(citizen.motherPin),
      father: await parent(citizen.fatherPin),
      children: await this.children.childrenOf(citizen.pin),
    };
  }

  private async openNewPin(events: readonly CitizenEvent[], citizen: CitizenRecord, envelope: CommandEnvelope) {
    const link = events.find((e): e is PinReestablished => e.type === 'PinReestablished');
    if (!link) return;
    const closed = afterCorrection(citizen, events as Array<RecordCorrected | PinReestablished>);
    const opened = await this.streams.create(link.data.newPin, [continueCitizen(closed)], continuation(envelope));
    if (!opened) throw new NewPinTaken();
  }

  private answer(result: WriteResult): CorrectionResult {
    const link = result.events.find((e): e is PinReestablished => e.type === 'PinReestablished');
    if (!link) return { ...result, reestablished: false };
    return { pin: link.data.newPin, revision: 0, events: result.events, reestablished: true };
  }
}

/** The new stream's first event is caused by the correction, with an id derived from it. */
function continuation(envelope: CommandEnvelope): CommandEnvelope {
  const correctionEventId = eventIdFor(envelope.commandId, 0);
  return {
    ...envelope,
    commandId: commandIdCausedBy(correctionEventId, 'continue-citizen'),
    causationId: correctionEventId,
  };
}
