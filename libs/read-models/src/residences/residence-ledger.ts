import type { Address } from '@registry/domain';

export type ResidenceKind = 'permanent' | 'temporary';

/** Days the residence held: from (inclusive) to (exclusive; null: open), or never. */
export type ValidPeriod = { readonly from: string; readonly to: string | null } | 'empty';

/** One version of a residence: what the registry believed about it from `recordedFrom` on. */
export interface ResidenceVersion {
  readonly pin: string;
  readonly kind: ResidenceKind;
  /** Stream revision of the event that registered the residence. */
  readonly registeredBy: number;
  /** Stream revision of the event that asserted this version. */
  readonly assertedBy: number;
  readonly address: Address;
  readonly valid: ValidPeriod;
  readonly recordedFrom: Date;
  readonly recordedTo: Date | null;
  /** The event type that ended the valid period, once it has ended. */
  readonly endedBy: string | null;
}

/** What an event brings to the ledger besides its data. */
export interface Fact {
  readonly pin: string;
  readonly revision: number;
  readonly recordedAt: Date;
  readonly type: string;
}

interface Entry {
  version: ResidenceVersion;
  readonly stored: boolean;
  changed: boolean;
}

/**
 * The residences of the citizens of one batch, kept bitemporally: a change closes the belief
 * the registry held (`recordedTo`) and records a new version, unless that belief was born in the
 * same transaction (nobody could have seen it: it is corrected in place). Starts from each
 * citizen's current version per kind as stored, so batch boundaries change nothing.
 */
export class ResidenceLedger {
  private readonly entries: Entry[] = [];
  private readonly current = new Map<string, Entry>();

  constructor(stored: readonly ResidenceVersion[]) {
    for (const version of stored) this.track({ version, stored: true, changed: false });
  }

  register(kind: ResidenceKind, fact: Fact, address: Address, valid: ValidPeriod): void {
    this.end(kind, fact, valid === 'empty' ? null : valid.from);
    this.track({
      version: {
        pin: fact.pin,
        kind,
        registeredBy: fact.revision,
        assertedBy: fact.revision,
        address,
        valid,
        recordedFrom: fact.recordedAt,
        recordedTo: null,
        endedBy: null,
      },
      stored: false,
      changed: true,
    });
  }

  /** The current residence of that kind holds no longer from `until` (exclusive) on. */
  end(kind: ResidenceKind, fact: Fact, until: string | null): void {
    const entry = this.current.get(key(fact.pin, kind));
    if (!entry || until === null) return;
    const old = entry.version;
    const valid = endedBy(old.valid, until);
    if (valid === old.valid) return;
    if (fact.recordedAt.getTime() <= old.recordedFrom.getTime()) {
      entry.version = { ...old, valid, endedBy: fact.type };
      entry.changed = true;
      return;
    }
    entry.version = { ...old, recordedTo: fact.recordedAt };
    entry.changed = true;
    this.track({
      version: {
        ...old,
        assertedBy: fact.revision,
        valid,
        recordedFrom: fact.recordedAt,
        recordedTo: null,
        endedBy: fact.type,
      },
      stored: false,
      changed: true,
    });
  }

  /**
   * The current residence of that kind holds again until `to` (exclusive; null: open), when an
   * event of `endedBy` had ended it (an annulled death): a new belief, the old one closes.
   */
  reopen(kind: ResidenceKind, fact: Fact, to: string | null, endedBy: readonly string[]): void {
    const entry = this.current.get(key(fact.pin, kind));
    const old = entry?.version;
    if (!entry || !old || old.valid === 'empty' || old.endedBy === null || !endedBy.includes(old.endedBy)) return;
    const valid = { from: old.valid.from, to };
    if (fact.recordedAt.getTime() <= old.recordedFrom.getTime()) {
      entry.version = { ...old, valid, endedBy: null };
      entry.changed = true;
      return;
    }
    entry.version = { ...old, recordedTo: fact.recordedAt };
    entry.changed = true;
    this.track({
      version: {
        ...old,
        assertedBy: fact.revision,
        valid,
        recordedFrom: fact.recordedAt,
        recordedTo: null,
        endedBy: null,
      },
      stored: false,
      changed: true,
    });
  }

  /**
   * The registry no longer holds the current residence of that kind under this PIN (the PIN was
   * re-established; the residence carries on under the new one). Its belief closes, no new one.
   */
  retract(kind: ResidenceKind, fact: Fact): void {
    const k = key(fact.pin, kind);
    const entry = this.current.get(k);
    if (!entry) return;
    const old = entry.version;
    const closedAt = fact.recordedAt.getTime() <= old.recordedFrom.getTime() ? old.recordedFrom : fact.recordedAt;
    entry.version = { ...old, recordedTo: closedAt };
    entry.changed = true;
    this.current.delete(k);
  }

  /** Versions to insert, and stored versions to update. */
  changes(): { inserts: ResidenceVersion[]; updates: ResidenceVersion[] } {
    return {
      inserts: this.entries.filter((e) => !e.stored).map((e) => e.version),
      updates: this.entries.filter((e) => e.stored && e.changed).map((e) => e.version),
    };
  }

  private track(entry: Entry): void {
    this.entries.push(entry);
    const k = key(entry.version.pin, entry.version.kind);
    const current = this.current.get(k);
    if (!current || entry.version.registeredBy >= current.version.registeredBy) this.current.set(k, entry);
  }
}

function key(pin: string, kind: ResidenceKind): string {
  return `${pin}|${kind}`;
}

/** The period cut at `until`, or the very same object when it had already ended by then. */
function endedBy(valid: ValidPeriod, until: string): ValidPeriod {
  if (valid === 'empty') return valid;
  if (valid.to !== null && valid.to <= until) return valid;
  return until <= valid.from ? 'empty' : { from: valid.from, to: until };
}

/** A period from `from` to `to` (exclusive), or never when it ends before it starts. */
export function period(from: string, to: string | null): ValidPeriod {
  return to !== null && to <= from ? 'empty' : { from, to };
}

/** The civil day after `date` (`YYYY-MM-DD`): inclusive last days become exclusive bounds. */
export function dayAfter(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}
