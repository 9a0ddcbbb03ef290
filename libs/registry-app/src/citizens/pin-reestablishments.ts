import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, StreamNotFoundError, type EventStore, type RecordedEvent } from '@registry/event-store';
import { citizenStream } from '@registry/domain';

/** A person's whole history across PINs re-established by corrections, oldest event first. */
export interface HistoryAcrossPins {
  /** The PIN the person holds now (the end of the chain). */
  readonly currentPin: string;
  readonly events: readonly RecordedEvent[];
}

// A correction re-establishes a PIN rarely; a longer run of links is a broken history, not a person.
const MAX_LINKS = 10;

@Injectable()
export class ReestablishedPins {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(pin: string): Promise<HistoryAcrossPins | null> {
    const own = await this.read(pin);
    if (!own) return null;
    const earlier = await this.walk(own, 'back');
    const later = await this.walk(own, 'forward');
    const events = [...earlier, ...own, ...later];
    const last = events[events.length - 1];
    return { currentPin: String(last.data.pin ?? pin), events };
  }

  private async walk(start: RecordedEvent[], direction: 'back' | 'forward'): Promise<RecordedEvent[]> {
    const collected: RecordedEvent[] = [];
    let edge = start;
    for (let i = 0; i < MAX_LINKS; i++) {
      const link = direction === 'back' ? linkBack(edge) : linkForward(edge);
      const next = link ? await this.read(link) : null;
      if (!next) break;
      if (direction === 'back') collected.unshift(...next);
      else collected.push(...next);
      edge = next;
    }
    return collected;
  }

  private async read(pin: string): Promise<RecordedEvent[] | null> {
    try {
      return await this.store.readStream(citizenStream(pin));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }
}

function linkBack(events: RecordedEvent[]): string | undefined {
  const first = events[0];
  return first?.type === 'CitizenContinued' ? String(first.data.previousPin) : undefined;
}

function linkForward(events: RecordedEvent[]): string | undefined {
  const last = events[events.length - 1];
  return last?.type === 'PinReestablished' ? String(last.data.newPin) : undefined;
}
