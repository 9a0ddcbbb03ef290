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
    const siblings: RecordedSibling[] = [];
    for (const entry of index.entries.filter((e) => e.commandId !== commandId)) {
      const child = (await loadCurrentCitizen(this.streams, entry.childPin)).state;
      if (!child) siblings.push({ pin: entry.childPin, name: entry.name, dateOfBirth: entry.dateOfBirth });
      else if (child.motherPin === motherPin)
        siblings.push({ pin: child.pin, name: child.name, dateOfBirth: child.dateOfBirth });
    }
    return siblings;
  }

  /** Every child of the person, as recorded now. */
  async childrenOf(parentPin: string): Promise<CitizenRecord[]> {
    return this.verified(parentPin, (await this.read(parentPin)).entries);
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

  private async verified(parentPin: string, entries: ChildrenOf['entries']): Promise<CitizenRecord[]> {
    const children: CitizenRecord[] = [];
    for (const entry of entries) {
      const child = (await loadCurrentCitizen(this.streams, entry.childPin)).state;
      if (child && (child.motherPin === parentPin || child.fatherPin === parentPin)) children.push(child);
    }
    return children;
  }
}
