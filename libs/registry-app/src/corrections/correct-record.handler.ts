import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  afterCorrection,
  type CitizenContinued,
  type CitizenEvent,
  type CitizenRecord,
  type CorrectableField,
  type CorrectionRelatives,
  type CorrectRecord,
  type PinReestablished,
  type RecordCorrected,
} from '@registry/domain';
import { commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-handling/command-envelope';
import { EventSourcedHandler, StreamAlreadyExists, type WriteResult } from '../command-handling/event-sourced-handler';
import { PinSpaceExhausted } from '../errors';
import { CitizenWrite, citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { PIN_CANDIDATES, uniqueDigitsFor } from '../citizens/pin-candidates';
import { loadCurrentCitizen } from '../citizens/current-citizen';
import { ChildrenIndex } from '../births/children-index';
import { MarriageProcess } from '../marriages/marriage-process';

/** The request's correction; `corrects` is the id of the event that recorded the wrong value, if named. */
export class CorrectRecordCommand extends CitizenWrite<
  Omit<CorrectRecord['data'], 'uniqueDigits' | 'relatives' | 'corrects'> & { readonly corrects?: string }
> {}

/** The citizen's PIN after the correction, and the revision of that PIN's stream. */
export interface CorrectionResult extends WriteResult<CitizenEvent> {
  readonly reestablished: boolean;
}

/**
 * A correction; when it re-establishes the PIN, the new stream is opened first (its "no stream"
 * append is the reservation of the new PIN), then the old stream is closed pointing to it.
 */
@CommandHandler(CorrectRecordCommand)
export class CorrectRecordHandler implements ICommandHandler<CorrectRecordCommand, CorrectionResult> {
  constructor(
    private readonly streams: EventSourcedHandler,
    private readonly children: ChildrenIndex,
    private readonly marriages: MarriageProcess,
  ) {}

  async execute({ pin, data, envelope, conditions }: CorrectRecordCommand): Promise<CorrectionResult> {
    const relatives = await this.relativesFor(pin, data.field);
    const corrects = data.corrects === undefined ? undefined : await this.namedEvent(pin, data.corrects);
    for (let k = 0; k < PIN_CANDIDATES; k++) {
      const command = citizenCommand(
        {
          type: 'CorrectRecord',
          data: { ...data, corrects, uniqueDigits: uniqueDigitsFor(envelope.commandId, k), relatives },
        },
        envelope,
      );
      const beforeAppend = (events: readonly CitizenEvent[], citizen: CitizenRecord) =>
        this.openReestablishedPin(events, citizen, envelope);
      try {
        const result = await this.streams.handle(citizenStreams, pin, command, envelope, {
          ...conditions,
          beforeAppend,
        });
        await this.followMarriage(result, envelope);
        return answer(result);
      } catch (error) {
        if (!(error instanceof StreamAlreadyExists)) throw error;
      }
    }
    throw new PinSpaceExhausted(`${pin.slice(0, 3)}…`);
  }

  /**
   * Whether the citizen's stream holds the event a correction names: the decider tells an event
   * that is no fact of the field (422 CORRECTED_EVENT_NOT_OF_FIELD) from none at all (422
   * CORRECTED_EVENT_NOT_FOUND). Name changes of an earlier PIN are in the name history itself.
   */
  private async namedEvent(pin: string, eventId: string): Promise<{ eventId: string; found: boolean }> {
    const { events } = await this.streams.load(citizenStreams, pin);
    return { eventId, found: events.some((event) => event.eventId === eventId) };
  }

  /** The parents and children a corrected date is checked against again (dates decide plausibility). */
  private async relativesFor(pin: string, field: CorrectableField): Promise<CorrectionRelatives | undefined> {
    if (field !== 'dateOfBirth' && field !== 'dateOfDeath') return undefined;
    const citizen = (await this.streams.load(citizenStreams, pin)).state;
    if (!citizen) return undefined; // the generic handler answers CITIZEN_NOT_FOUND
    const parent = async (parentPin: string | null) =>
      parentPin ? (await loadCurrentCitizen(this.streams, parentPin)).state : undefined;
    return {
      mother: await parent(citizen.motherPin),
      father: await parent(citizen.fatherPin),
      children: await this.children.childrenOf(citizen.pin),
    };
  }

  private async openReestablishedPin(
    events: readonly CitizenEvent[],
    citizen: CitizenRecord,
    envelope: CommandEnvelope,
  ): Promise<void> {
    const link = events.find((e): e is PinReestablished => e.type === 'PinReestablished');
    if (!link) return;
    const closed = afterCorrection(citizen, events as Array<RecordCorrected | PinReestablished>);
    const step = continuation(envelope);
    const command = citizenCommand({ type: 'ContinueCitizen', data: { closed } }, step);
    await this.streams.handle(citizenStreams, link.data.newPin, command, step, { expected: 'no_stream' });
  }

  /**
   * A married citizen's new PIN reaches the marriage and the spouse (ADR 0042); after a crash
   * here, the marriage recovery sweep finishes it from the new stream's CitizenContinued.
   */
  private async followMarriage(result: WriteResult<CitizenEvent>, envelope: CommandEnvelope): Promise<void> {
    const link = result.events.find(isLink);
    if (!link) return;
    const step = continuation(envelope);
    const [continued] = (await this.streams.load(citizenStreams, link.data.newPin)).events;
    if (continued?.type !== 'CitizenContinued') return;
    const data = continued.data as unknown as CitizenContinued['data'];
    await this.marriages.followReestablishedPin(eventIdFor(step.commandId, 0), data, step);
  }
}

function isLink(event: CitizenEvent): event is PinReestablished {
  return event.type === 'PinReestablished';
}

function answer(result: WriteResult<CitizenEvent>): CorrectionResult {
  const link = result.events.find((e): e is PinReestablished => e.type === 'PinReestablished');
  if (!link) return { ...result, reestablished: false };
  return { id: link.data.newPin, revision: 0, events: result.events, reestablished: true };
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
