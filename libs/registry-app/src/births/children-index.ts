import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  StreamNotFoundError,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@registry/event-store';
import type { CitizenRecord, PersonName, RecordedSibling } from '@registry/domain';
import { EventSourcedHandler } from '../command-handling/event-sourced-handler';
import { commandIdCausedBy, eventIdFor, type CommandEnvelope } from '../command-handling/command-envelope';
import { loadCurrentCitizen } from '../citizens/current-citizen';
import { citizenStreams } from '../citizens/citizen-streams';

// As in current-citizen.ts: a longer run of PIN links is a broken history, not a person.
const MAX_FORMER_PINS = 10;

/** One child recorded under a parent: the index's only event type. */
interface ChildRecorded {
  readonly parentPin: string;
  readonly childPin: string;
  readonly name: PersonName;
  readonly dateOfBirth: string;
}

export interface ChildrenOf {
  /** -1 when the parent has no indexed child yet. */
  readonly revision: number;
  readonly entries: readonly (ChildRecorded & { readonly commandId: string })[];
}

/** The one place that knows the index stream's name. */
export function childrenStream(parentPin: string): string {
  return `children-${parentPin}`;
}

/**
 * Each parent's children, as a stream of its own: a birth appends its entry to the mother's
 * index at the revision it read, so two registrations of the same child cannot both pass the
 * duplicate check (the second re-reads and sees the first). Kept for fathers too, so that a
 * correction can re-check every child of a person. Entries are claims: each is checked against
 * the child's own stream before it counts (a crash may leave an entry whose birth never landed).
 */
@Injectable()
export class ChildrenIndex {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: EventSourcedHandler,
  ) {}

  async read(parentPin: string): Promise<ChildrenOf> {
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(childrenStream(parentPin));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { revision: -1, entries: [] };
      throw error;
    }
    const entries = events.map((e) => ({
      ...(e.data as unknown as ChildRecorded),
      commandId: String(e.metadata.commandId),
    }));
    return { revision: events.length - 1, entries };
  }

  /**
   * Children of the mother that other commands recorded (the duplicate check): as their streams
   * say, or as the entry claims while the birth is not (yet) in its stream. A birth in flight
   * must count, or two concurrent registrations of one child would both pass; an entry whose
   * birth never landed costs the officer a `confirmedDistinctFrom`.
   */
  async siblings(motherPin: string, index: ChildrenOf, commandId: string): Promise<RecordedSibling[]> {
    const { pins, entries } = await this.formerIndices(motherPin);
    const siblings: RecordedSibling[] = [];
    for (const entry of [...entries, ...index.entries].filter((e) => e.commandId !== commandId)) {
      const child = (await loadCurrentCitizen(this.streams, entry.childPin)).state;
      if (!child) siblings.push({ pin: entry.childPin, name: entry.name, dateOfBirth: entry.dateOfBirth });
      else if (child.motherPin && pins.has(child.motherPin))
        siblings.push({ pin: child.pin, name: child.name, dateOfBirth: child.dateOfBirth });
    }
    return siblings;
  }

  /**
   * Every child of the person, as recorded now, whether born under the PIN the person holds now
   * or one held before; the child's link to this parent reads `parentPin` (the same person), so
   * the rules see which parent the person is.
   */
  async childrenOf(parentPin: string): Promise<CitizenRecord[]> {
    const { pins, entries } = await this.formerIndices(parentPin);
    const children = await this.verified(pins, [...entries, ...(await this.read(parentPin)).entries]);
    const link = (pin: string | null) => (pin !== null && pins.has(pin) ? parentPin : pin);
    return children.map((child) => ({ ...child, motherPin: link(child.motherPin), fatherPin: link(child.fatherPin) }));
  }

  /**
   * The person's earlier PINs (a correction re-established them: each stream opens with
   * CitizenContinued naming the one before) with this one, and the entries their indices hold:
   * children born before the change were indexed, and still name the parent, under the old PIN.
   * Those indices take no new entries (a birth names the current PIN), so reading them is enough.
   */
  private async formerIndices(pin: string): Promise<{ pins: Set<string>; entries: ChildrenOf['entries'] }> {
    const pins = new Set([pin]);
    const entries: Array<ChildrenOf['entries'][number]> = [];
    let current = pin;
    for (let links = 0; links < MAX_FORMER_PINS; links++) {
      const [first] = (await this.streams.load(citizenStreams, current)).events;
      if (first?.type !== 'CitizenContinued') break;
      current = String(first.data.previousPin);
      if (pins.has(current)) break;
      pins.add(current);
      entries.push(...(await this.read(current)).entries);
    }
    return { pins, entries };
  }

  /** Appends the child's entry; false when the index moved since it was read (decide again). */
  async record(
    parentPin: string,
    entry: Omit<ChildRecorded, 'parentPin'>,
    expected: ExpectedRevision,
    envelope: CommandEnvelope,
  ): Promise<boolean> {
    const step = commandIdCausedBy(eventIdFor(envelope.commandId, 0), `child-of-${parentPin}`);
    try {
      await this.store.append(
        childrenStream(parentPin),
        [
          {
            eventId: eventIdFor(step, 0),
            type: 'ChildRecorded',
            data: { parentPin, ...entry },
            metadata: { commandId: envelope.commandId, correlationId: envelope.correlationId },
          },
        ],
        expected,
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  private async verified(parentPins: ReadonlySet<string>, entries: ChildrenOf['entries']): Promise<CitizenRecord[]> {
    const children = new Map<string, CitizenRecord>();
    for (const entry of entries) {
      const child = (await loadCurrentCitizen(this.streams, entry.childPin)).state;
      const ofParent = (pin: string | null) => pin !== null && parentPins.has(pin);
      if (child && (ofParent(child.motherPin) || ofParent(child.fatherPin))) children.set(child.pin, child);
    }
    return [...children.values()];
  }
}
