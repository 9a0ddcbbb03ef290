import { censusDays, dayAfter, notBeforeBirth, type Address } from '@registry/domain';

export { dayAfter };

export type ResidenceKind = 'permanent' | 'temporary';

/** Days: from (inclusive) to (exclusive; null: open), or never. */
export type ValidPeriod = { readonly from: string; readonly to: string | null } | 'empty';

/** The residence as registered and ended (days, `to` exclusive), before birth is taken into account. */
export interface HeldPeriod {
  readonly from: string;
  readonly to: string | null;
}

/** One version of a residence: what the registry believed about it from `recordedFrom` on. */
export interface ResidenceVersion {
  readonly pin: string;
  readonly kind: ResidenceKind;
  /** Stream revision of the event that registered the residence (carried over to a new PIN: 0 and below). */
  readonly registeredBy: number;
  /** Stream revision of the event that asserted this version. */
  readonly assertedBy: number;
  readonly address: Address;
  readonly held: HeldPeriod;
  /** The days a census at 0:00 counts the resident there: held, from the day after birth to the day of death. */
  readonly valid: ValidPeriod;
  /** The first day of the residence: held, not before birth. */
  readonly since: string;
  readonly recordedFrom: Date;
  readonly recordedTo: Date | null;
  /** The event type that ended the held period, once it has ended. */
  readonly endedBy: string | null;
}

/** What an event brings to the ledger besides its data. */
export interface Fact {
  readonly pin: string;
  readonly revision: number;
  readonly recordedAt: Date;
  readonly type: string;
}

/** What clips every residence of a citizen: a census counts the living only. */
export interface Life {
  readonly born: string;
  readonly died: string | null;
}

interface Entry {
  version: ResidenceVersion;
  readonly stored: boolean;
  changed: boolean;
}

type Change = Partial<Pick<ResidenceVersion, 'held' | 'endedBy' | 'address'>>;

/**
 * The residences of the citizens of one batch, kept bitemporally: a change closes the belief
 * the registry held (`recordedTo`) and records a new version, unless that belief was born in the
 * same transaction (nobody could have seen it: it is changed in place). Starts from each
 * citizen's open beliefs and date of birth as stored, so batch boundaries change nothing; each
 * event touches only the versions it changes (no refold of the citizen's history).
 */
export class ResidenceLedger {
  private readonly entries: Entry[] = [];
  /** Open beliefs: by PIN, then by kind|registeredBy. */
  private readonly open = new Map<string, Map<string, Entry>>();
  private readonly lives: Map<string, Life>;
  /** Lives set by this batch, to store. */
  readonly changedLives = new Map<string, Life>();

  constructor(stored: readonly ResidenceVersion[], lives: ReadonlyMap<string, Life> = new Map()) {
    this.lives = new Map(lives);
    for (const version of stored) this.track({ version, stored: true, changed: false });
  }

  /** The citizen's date of birth, as registered or corrected: every residence begins no earlier. */
  born(fact: Fact, dateOfBirth: string, dateOfDeath?: string | null): void {
    const died = dateOfDeath === undefined ? (this.lives.get(fact.pin)?.died ?? null) : dateOfDeath;
    this.live(fact, { born: dateOfBirth, died });
  }

  /**
   * The citizen's date of death (null: annulled): every residence is counted until that day and
   * none after it, whichever residences the death's procedure has ended by then.
   */
  died(fact: Fact, dateOfDeath: string | null): void {
    const life = this.lives.get(fact.pin);
    if (life) this.live(fact, { ...life, died: dateOfDeath });
  }

  register(kind: ResidenceKind, fact: Fact, address: Address, held: HeldPeriod): void {
    this.end(kind, fact, held.from);
    this.add(fact.pin, kind, fact.revision, fact.revision, address, held, fact.recordedAt, null);
  }

  /** The current residence of that kind holds no longer from `until` (exclusive) on. */
  end(kind: ResidenceKind, fact: Fact, until: string | null): void {
    const entry = this.current(fact.pin, kind);
    if (!entry || until === null) return;
    const held = entry.version.held;
    if (held.to !== null && held.to <= until) return;
    this.supersede(entry, fact, { held: { from: held.from, to: until }, endedBy: fact.type });
  }

  /**
   * The current residence of that kind holds again until `to` (exclusive; null: open), when an
   * event of `endedBy` had ended it (an annulled death): a new belief, the old one closes.
   */
  reopen(kind: ResidenceKind, fact: Fact, to: string | null, endedBy: readonly string[]): void {
    const entry = this.current(fact.pin, kind);
    const old = entry?.version;
    if (!entry || !old || old.endedBy === null || !endedBy.includes(old.endedBy)) return;
    this.supersede(entry, fact, { held: { from: old.held.from, to }, endedBy: null });
  }

  /**
   * The PIN was re-established: every residence the registry holds under the old PIN carries on
   * under the new one, and both beliefs change at the same instant (the old stream's closing), so
   * no instant sees the person's residences twice or not at all.
   */
  carryOver(fact: Fact, newPin: string): void {
    for (const kind of ['permanent', 'temporary'] as const) {
      const held = this.openOf(fact.pin)
        .filter((e) => e.version.kind === kind)
        .sort((a, b) => a.version.registeredBy - b.version.registeredBy);
      held.forEach((entry, i) => {
        const { address, held: period, endedBy } = entry.version;
        this.close(entry, fact);
        // Carried registrations come before the new stream's own (revision 1 on), in their order.
        this.add(newPin, kind, i - (held.length - 1), 0, address, period, fact.recordedAt, endedBy);
      });
    }
  }

  private live(fact: Fact, life: Life): void {
    const known = this.lives.get(fact.pin);
    if (known && known.born === life.born && known.died === life.died) return;
    this.lives.set(fact.pin, life);
    this.changedLives.set(fact.pin, life);
    for (const entry of this.openOf(fact.pin)) this.supersede(entry, fact, {});
  }

  /** Versions to insert, and stored versions to update. */
  changes(): { inserts: ResidenceVersion[]; updates: ResidenceVersion[] } {
    return {
      inserts: this.entries.filter((e) => !e.stored).map((e) => e.version),
      updates: this.entries.filter((e) => e.stored && e.changed).map((e) => e.version),
    };
  }

  private add(
    pin: string,
    kind: ResidenceKind,
    registeredBy: number,
    assertedBy: number,
    address: Address,
    held: HeldPeriod,
    recordedFrom: Date,
    endedBy: string | null,
  ): void {
    const version = { pin, kind, registeredBy, assertedBy, address, held, recordedFrom, recordedTo: null, endedBy };
    this.track({ version: { ...version, ...this.derived(pin, held) }, stored: false, changed: true });
  }

  /** The version as changed by `fact`: in place when nobody could have seen it, else a new belief. */
  private supersede(entry: Entry, fact: Fact, change: Change): void {
    const old = entry.version;
    const next = { ...old, ...change };
    const derived = this.derived(old.pin, next.held);
    if (sameVersion(old, { ...next, ...derived })) return;
    if (fact.recordedAt.getTime() <= old.recordedFrom.getTime()) {
      entry.version = { ...next, ...derived };
      entry.changed = true;
      return;
    }
    entry.version = { ...old, recordedTo: fact.recordedAt };
    entry.changed = true;
    this.open.get(old.pin)?.delete(keyOf(old));
    const asserted = { ...next, ...derived, assertedBy: fact.revision, recordedFrom: fact.recordedAt };
    this.track({ version: { ...asserted, recordedTo: null }, stored: false, changed: true });
  }

  /** The registry no longer holds this belief (no new one under this PIN). */
  private close(entry: Entry, fact: Fact): void {
    const old = entry.version;
    const closedAt = fact.recordedAt.getTime() <= old.recordedFrom.getTime() ? old.recordedFrom : fact.recordedAt;
    entry.version = { ...old, recordedTo: closedAt };
    entry.changed = true;
    this.open.get(old.pin)?.delete(keyOf(old));
  }

  private derived(pin: string, held: HeldPeriod): Pick<ResidenceVersion, 'valid' | 'since'> {
    const life = this.lives.get(pin);
    if (life === undefined) return { valid: period(held.from, held.to), since: held.from };
    const days = censusDays(held.from, held.to, life.born, life.died);
    return {
      valid: days === null ? 'empty' : { from: days.from, to: days.until },
      since: notBeforeBirth(held.from, life.born),
    };
  }

  private track(entry: Entry): void {
    this.entries.push(entry);
    if (entry.version.recordedTo !== null) return;
    let ofPin = this.open.get(entry.version.pin);
    if (!ofPin) this.open.set(entry.version.pin, (ofPin = new Map()));
    ofPin.set(keyOf(entry.version), entry);
  }

  private openOf(pin: string): Entry[] {
    return [...(this.open.get(pin)?.values() ?? [])];
  }

  /** The latest registration of that kind still believed. */
  private current(pin: string, kind: ResidenceKind): Entry | undefined {
    let latest: Entry | undefined;
    const open = this.open.get(pin);
    if (!open) return undefined;
    for (const entry of open.values()) {
      if (entry.version.kind !== kind) continue;
      if (!latest || entry.version.registeredBy > latest.version.registeredBy) latest = entry;
    }
    return latest;
  }
}

function keyOf(version: ResidenceVersion): string {
  return `${version.kind}|${version.registeredBy}`;
}

function sameVersion(a: ResidenceVersion, b: ResidenceVersion): boolean {
  return (
    a.held.from === b.held.from &&
    a.held.to === b.held.to &&
    a.endedBy === b.endedBy &&
    a.since === b.since &&
    samePeriod(a.valid, b.valid) &&
    a.address === b.address
  );
}

function samePeriod(a: ValidPeriod, b: ValidPeriod): boolean {
  return a === 'empty' || b === 'empty' ? a === b : a.from === b.from && a.to === b.to;
}

/** A period from `from` to `to` (exclusive), or never when it ends before it starts. */
export function period(from: string, to: string | null): ValidPeriod {
  return to !== null && to <= from ? 'empty' : { from, to };
}
