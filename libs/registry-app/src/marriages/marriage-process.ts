import { Injectable } from '@nestjs/common';
import {
  RegistryError,
  checkMarriage,
  type CitizenCommand,
  type CitizenContinued,
  type CitizenEvent,
  type CitizenRecord,
  type DeathAnnulled,
  type MarriageApplication,
  type MarriageCommand,
  type MarriageDissolved,
  type MarriageEndedByDeath,
  type MarriageState,
  type Parentage,
} from '@registry/domain';
import type { RecordedEvent } from '@registry/event-store';
import { civilDateIn, commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-handling/command-envelope';
import {
  EventSourcedHandler,
  StreamAlreadyExists,
  type StreamHistory,
} from '../command-handling/event-sourced-handler';
import { CitizenNotFound, WriteContention } from '../errors';
import { citizenCommand, citizenStreams } from '../citizens/citizen-streams';
import { loadCurrentCitizen } from '../citizens/current-citizen';
import { MarriageNotFound, envelopeOfEvent, marriageCommand, marriageStreams } from './marriage-streams';

type MarriageHistory = StreamHistory<MarriageState | null>;

export interface MarriageOutcome {
  readonly marriageId: string;
  readonly state: MarriageState;
  /** Each spouse's stream revision after the marriage's last step. */
  readonly revisions: Readonly<Record<string, number>>;
}

const ATTEMPTS = 5;

/**
 * The marriage process (ADR 0018). The marriage's own stream says what holds; each spouse's
 * stream carries that spouse's side and is where "married to no one else" is decided, at the
 * stream's revision. Registration: the marriage stream opens (MarriageRequested), each spouse's
 * side is recorded in PIN order, then the marriage is concluded; if a side is refused, the sides
 * already recorded are withdrawn and the marriage is refused. Every step has a command id derived
 * from the marriage and the event that caused it, so whoever resumes it (a retried request, the
 * recovery sweep after a crash) repeats nothing and finishes the same way.
 */
@Injectable()
export class MarriageProcess {
  constructor(private readonly streams: EventSourcedHandler) {}

  /** The marriage id a request gets: derived from its command, so a retry finds its marriage. */
  static marriageIdFor(envelope: CommandEnvelope): string {
    return commandIdCausedBy(envelope.commandId, 'marriage');
  }

  async register(application: MarriageApplication, envelope: CommandEnvelope): Promise<MarriageOutcome> {
    const marriageId = MarriageProcess.marriageIdFor(envelope);
    if ((await this.load(marriageId)).state === null) {
      const spouses = await this.checked(application, envelope);
      // A concurrent retry that opened the stream first makes this a no-op (the decider sees it).
      await this.onMarriage(
        marriageId,
        { type: 'RequestMarriage', data: { marriageId, ...application, spouses } },
        envelope,
      );
    }
    return this.drive(marriageId, envelope.now);
  }

  /** Takes the marriage as far as it goes: recorded (or refused) on every stream it touches. */
  async drive(marriageId: string, now: Date): Promise<MarriageOutcome> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const history = await this.load(marriageId);
      const state = history.state;
      if (!state) throw new MarriageNotFound(marriageId);
      const requested = history.events[0];
      const base = envelopeOfEvent(requested, now);
      if (state.status === 'pending') {
        const outcome = await this.recordSides(state, requested.eventId, base);
        const { code, message, details } =
          'refusal' in outcome ? outcome.refusal : { code: '', message: '', details: [] };
        const command: MarriageCommand =
          'refusal' in outcome
            ? { type: 'RefuseMarriage', data: { code, message, details } }
            : { type: 'ConcludeMarriage', data: { revisions: outcome.revisions } };
        await this.onMarriage(marriageId, command, step(base, requested.eventId, 'outcome'));
        continue; // read back what holds now, whoever wrote it
      }
      if (state.status === 'refused') {
        const { code, message, details } = state.refusal!;
        throw new RegistryError(code, message, details);
      }
      return { marriageId, state, revisions: await this.syncSides(history, now) };
    }
    throw new WriteContention(marriageId);
  }

  /** A divorce: decided on the marriage's stream, then recorded on both spouses'. */
  async divorce(
    marriageId: string,
    divorce: { readonly date: string; readonly courtDecision: string },
    envelope: CommandEnvelope,
    authorize?: (spouses: readonly CitizenRecord[]) => void,
  ): Promise<MarriageOutcome> {
    const { state } = await this.load(marriageId);
    if (!state || state.status === 'pending' || state.status === 'refused') throw new MarriageNotFound(marriageId);
    // Jurisdiction follows the spouses where they live now, under the PINs they hold now.
    if (authorize) authorize(await Promise.all(state.spouses.map((pin) => this.current(pin))));
    await this.onMarriage(marriageId, { type: 'Divorce', data: divorce }, envelope);
    return this.drive(marriageId, envelope.now);
  }

  /** A spouse's death (the deceased's MarriageEndedByDeath, event `cause`) ends the marriage. */
  async endByDeath(cause: string, data: MarriageEndedByDeath['data'], base: CommandEnvelope): Promise<void> {
    const command: MarriageCommand = {
      type: 'EndMarriageByDeath',
      data: { deceasedPin: data.deceasedPin, date: data.endedOn },
    };
    await this.follow(cause, data.marriageId, base, command);
  }

  /** The annulment of the death that ended the marriage (event `cause`) reinstates it. */
  async reinstate(cause: string, data: DeathAnnulled['data'], base: CommandEnvelope): Promise<void> {
    if (!data.restoredMarriage) return;
    const command: MarriageCommand = { type: 'ReinstateMarriage', data: { deceasedPin: data.pin } };
    await this.follow(cause, data.restoredMarriage.marriageId, base, command);
  }

  /**
   * A spouse's PIN re-established (the new stream's CitizenContinued, event `cause`): the
   * marriage's stream and the other spouse's record name the new PIN. Each step is idempotent
   * (its command id derives from the event), so the correction and the recovery sweep may both run it.
   */
  async followReestablishedPin(cause: string, continued: CitizenContinued['data'], base: CommandEnvelope) {
    const marriage = continued.marriage;
    if (!marriage) return;
    const { previousPin, pin, effectiveDate } = continued;
    if ((await this.load(marriage.marriageId)).state !== null) {
      const command: MarriageCommand = {
        type: 'ReestablishSpousePin',
        data: { previousPin, pin, date: effectiveDate },
      };
      await this.onMarriage(marriage.marriageId, command, step(base, cause, 'marriage-pin'));
    }
    const spouse = (await loadCurrentCitizen(this.streams, marriage.spousePin)).state?.pin;
    if (!spouse) return;
    const command: CitizenCommand = {
      type: 'RecordSpousePin',
      data: { marriageId: marriage.marriageId, spousePin: pin, effectiveDate },
    };
    await this.onCitizen(spouse, command, step(base, cause, `spouse-pin:${marriage.spousePin}`));
  }

  /**
   * The marriage consequences of events just recorded on a citizen's stream (indices give their
   * event ids): a death ends the marriage, an annulled death reinstates it.
   */
  async followCitizenEvents(events: readonly CitizenEvent[], envelope: CommandEnvelope): Promise<void> {
    for (const [index, event] of events.entries()) {
      const cause = eventIdFor(envelope.commandId, index);
      if (event.type === 'MarriageEndedByDeath' && event.data.deceasedPin === event.data.pin) {
        await this.endByDeath(cause, event.data, envelope);
      }
      if (event.type === 'DeathAnnulled') await this.reinstate(cause, event.data, envelope);
    }
  }

  async find(marriageId: string): Promise<MarriageState> {
    const { state } = await this.load(marriageId);
    if (!state || state.status === 'pending' || state.status === 'refused') throw new MarriageNotFound(marriageId);
    return state;
  }

  /**
   * Applies a citizen event's consequence to the marriage's stream once (the step's command id
   * derives from the event), then to the spouses.
   */
  private async follow(cause: string, marriageId: string, base: CommandEnvelope, command: MarriageCommand) {
    if ((await this.load(marriageId)).state === null) return;
    await this.onMarriage(marriageId, command, step(base, cause, 'marriage'));
    await this.drive(marriageId, base.now);
  }

  private load(marriageId: string): Promise<MarriageHistory> {
    return this.streams.load(marriageStreams, marriageId);
  }

  private async onMarriage(marriageId: string, command: MarriageCommand, envelope: CommandEnvelope): Promise<void> {
    const expected = command.type === 'RequestMarriage' ? { expected: 'no_stream' as const } : {};
    try {
      await this.streams.handle(marriageStreams, marriageId, marriageCommand(command, envelope), envelope, expected);
    } catch (error) {
      if (!(error instanceof StreamAlreadyExists)) throw error; // opened by a concurrent retry: carry on
    }
  }

  private async onCitizen(pin: string, command: CitizenCommand, envelope: CommandEnvelope) {
    return this.streams.handle(citizenStreams, pin, citizenCommand(command, envelope), envelope);
  }

  /** The application checked against both spouses and their parents, under their current PINs. */
  private async checked(application: MarriageApplication, envelope: CommandEnvelope): Promise<[string, string]> {
    const spouses = await Promise.all(application.spouses.map((pin) => this.current(pin)));
    // A parent named by a PIN re-established since is the same person: every link is compared
    // under the PIN its person holds now (a child born before its mother's PIN changed is hers).
    const [a, b] = await Promise.all(spouses.map((spouse) => this.withCurrentParents(spouse)));
    const records = new Map<string, Parentage>([a, b].map((spouse) => [spouse.pin, spouse]));
    for (const parentPin of [a.motherPin, a.fatherPin, b.motherPin, b.fatherPin]) {
      const parent = parentPin ? (await loadCurrentCitizen(this.streams, parentPin)).state : null;
      if (parentPin && parent) records.set(parentPin, await this.withCurrentParents(parent));
    }
    checkMarriage(application, [a, b], (pin) => records.get(pin), civilDateIn(envelope.now));
    return [a.pin, b.pin];
  }

  private async withCurrentParents(person: CitizenRecord): Promise<CitizenRecord> {
    const current = async (pin: string | null) =>
      pin ? ((await loadCurrentCitizen(this.streams, pin)).state?.pin ?? pin) : null;
    return { ...person, motherPin: await current(person.motherPin), fatherPin: await current(person.fatherPin) };
  }

  private async current(pin: string): Promise<CitizenRecord> {
    const { state } = await loadCurrentCitizen(this.streams, pin);
    if (!state) throw new CitizenNotFound(pin);
    return state;
  }

  /** Records each side in PIN order; on a refusal, withdraws every side already recorded. */
  private async recordSides(
    state: MarriageState,
    requestId: string,
    base: CommandEnvelope,
  ): Promise<{ revisions: Record<string, number> } | { refusal: RegistryError }> {
    const sides = [...state.spouses].sort();
    let refusal = await this.withdrawnBefore(state);
    const revisions: Record<string, number> = {};
    for (const pin of refusal ? [] : sides) {
      const spousePin = state.spouses.find((other) => other !== pin)!;
      const command: CitizenCommand = {
        type: 'RecordMarriage',
        data: { marriageId: state.marriageId, spousePin, date: state.date, certificateNumber: state.certificateNumber },
      };
      try {
        const current = (await this.current(pin)).pin;
        const recorded = await this.onCitizen(current, command, step(base, requestId, `record:${pin}`));
        revisions[current] = recorded.revision;
      } catch (error) {
        // A rule the spouse's stream refuses is the outcome; anything transient is resumed later.
        if (!(error instanceof RegistryError) || error instanceof WriteContention) throw error;
        refusal = error;
        break;
      }
    }
    if (!refusal) return { revisions };
    for (const pin of sides) {
      const command: CitizenCommand = {
        type: 'WithdrawMarriage',
        data: { marriageId: state.marriageId, reason: refusal.code },
      };
      const current = (await loadCurrentCitizen(this.streams, pin)).state?.pin;
      if (current) await this.onCitizen(current, command, step(base, requestId, `withdraw:${pin}`));
    }
    return { refusal };
  }

  /** A side withdrawn earlier (a run that crashed before refusing) means the marriage is refused. */
  private async withdrawnBefore(state: MarriageState): Promise<RegistryError | undefined> {
    for (const pin of state.spouses) {
      const { events } = await loadCurrentCitizen(this.streams, pin);
      const withdrawn = events.find((e) => e.type === 'MarriageWithdrawn' && e.data.marriageId === state.marriageId);
      if (withdrawn) {
        const code = String(withdrawn.data.reason);
        return new RegistryError(code, `The marriage could not be recorded for ${pin} (${code})`);
      }
    }
    return undefined;
  }

  /** Brings each spouse's side in line with what the marriage's stream says since it was concluded. */
  private async syncSides(history: MarriageHistory, now: Date): Promise<Record<string, number>> {
    const state = history.state!;
    const base = envelopeOfEvent(history.events[0], now);
    for (const event of history.events) {
      for (const [pin, command] of sideCommands(state, event)) {
        const current = (await loadCurrentCitizen(this.streams, pin)).state?.pin;
        if (current) await this.onCitizen(current, command, step(base, event.eventId, `side:${pin}`));
      }
    }
    const revisions: Record<string, number> = {};
    for (const pin of state.spouses) {
      const current = await loadCurrentCitizen(this.streams, pin);
      if (current.state) revisions[current.state.pin] = current.revision;
    }
    return revisions;
  }
}

/** What each spouse's stream must record for one event of the marriage's stream. */
function sideCommands(state: MarriageState, event: RecordedEvent): Array<[string, CitizenCommand]> {
  const marriageId = state.marriageId;
  if (event.type === 'MarriageDissolved') {
    const data = event.data as unknown as MarriageDissolved['data'];
    if (data.cause === 'divorce') {
      const divorce = { marriageId, date: data.date, decisionNumber: data.courtDecision ?? '' };
      return state.spouses.map((pin) => [pin, { type: 'RecordDivorce', data: divorce }]);
    }
    const survivor = state.spouses.find((pin) => pin !== data.deceasedPin)!;
    return [
      [survivor, { type: 'RecordSpouseDeath', data: { marriageId, deceasedPin: data.deceasedPin!, date: data.date } }],
    ];
  }
  if (event.type === 'MarriageReinstated') {
    const survivor = state.spouses.find((pin) => pin !== event.data.deceasedPin)!;
    return [[survivor, { type: 'RestoreMarriage', data: { marriageId } }]];
  }
  return [];
}

/** A step of the process: its command id derives from the event that caused it. */
function step(base: CommandEnvelope, cause: string, name: string): CommandEnvelope {
  return { ...base, commandId: commandIdCausedBy(cause, name), causationId: cause };
}
