import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, QueryResultRow } from 'pg';
import { PG_POOL } from '@registry/platform';
import { MergedLookups } from './merged-lookups';

/** A citizen record as stored: the API body as JSON text, and its revision for ETag and minRevision. */
export interface StoredCitizen {
  /** -1 (and `json` null) for a replaced PIN the projector has not reached yet. */
  readonly revision: number;
  /** The PIN a correction re-established, when this one was replaced. */
  readonly reestablishedAs: string | null;
  readonly json: string | null;
}

export type RevisionLookup =
  | { readonly outcome: 'found'; readonly citizen: StoredCitizen }
  | { readonly outcome: 'behind'; readonly revision: number | null };

/** A statement as pg takes it: a prepared statement's name, its text and values. */
export interface LookupStatement {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Writes that may travel with lookups (the audit of reads, ADR 0085): a lookup about to go out is
 * offered to the carrier, which may send it in one statement with writes of its own, one round trip
 * for both. The carrier answers the lookup's rows whatever becomes of its own writes.
 */
export interface LookupCarrier {
  /** The statement's rows, sent with the carrier's writes; undefined: nothing to carry now, send it alone. */
  carry<R extends QueryResultRow>(statement: LookupStatement): Promise<R[]> | undefined;
}

/** How long a read-your-writes lookup waits for the projector (API.md: 2 s). */
export const READ_YOUR_WRITES_WAIT_MS = 2000;
const POLL_MS = [5, 10, 20, 40, 50];

/**
 * Lookups by PIN: primary-key reads of the current record table (and of the noted replacements),
 * the concurrent ones merged into one query (MergedLookups).
 */
@Injectable()
export class CitizenRecords {
  private readonly lookups: MergedLookups<StoredCitizen>;
  private carrier?: LookupCarrier;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    // A few queries at once leave the pool's other connections to writes, projector and feeds.
    this.lookups = new MergedLookups((pins) => this.findAll(pins), { maxInFlight: 4, maxKeys: 200 });
  }

  /** From now on, lookups going out are offered to `carrier` (ADR 0085). */
  carryWith(carrier: LookupCarrier): void {
    this.carrier = carrier;
  }

  /** Lookups wait to go out: the next query, offered to the carrier, leaves soon. */
  get queued(): boolean {
    return this.lookups.queued;
  }

  find(pin: string): Promise<StoredCitizen | undefined> {
    return this.lookups.find(pin);
  }

  /**
   * The lookup's statement prepared on `connections` connections at once, bypassing the merge
   * (which would send them all as one query): the API's warm-up before it listens (ADR 0031).
   */
  async prepare(connections: number, pin: string): Promise<void> {
    await Promise.all(Array.from({ length: connections }, () => this.findAll([pin])));
  }

  private async findAll(pins: string[]): Promise<Map<string, StoredCitizen>> {
    const statement: LookupStatement = {
      name: 'read_model_citizen_records',
      // A replacement noted by the correction itself answers 301 before the projector gets there,
      // even before the projector has seen the citizen at all.
      text: `SELECT asked.pin, coalesce(r.revision, -1) AS revision, coalesce(r.replaced_by, p.new_pin) AS "reestablishedAs",
                    r.record::text AS json
               FROM unnest($1::text[]) AS asked(pin)
               LEFT JOIN citizen_records r ON r.pin = asked.pin
               LEFT JOIN pin_replacements p ON p.pin = asked.pin
              WHERE r.pin IS NOT NULL OR p.pin IS NOT NULL`,
      values: [pins],
    };
    const carried = this.carrier?.carry<StoredCitizen & { pin: string }>(statement);
    const rows = carried ? await carried : (await this.pool.query<StoredCitizen & { pin: string }>(statement)).rows;
    return new Map(rows.map(({ pin, ...citizen }) => [pin, citizen]));
  }

  /**
   * Read-your-writes: the record at `minRevision` or later, waiting for the projector up to
   * `waitMs`. Polling a primary key is cheap, and only clients that just wrote wait.
   */
  async findAtLeast(pin: string, minRevision: number, waitMs = READ_YOUR_WRITES_WAIT_MS): Promise<RevisionLookup> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const citizen = await this.find(pin);
      // A replaced PIN answers 301 whatever the revision asked for.
      if (citizen && (citizen.reestablishedAs || citizen.revision >= minRevision)) return { outcome: 'found', citizen };
      const left = deadline - Date.now();
      if (left <= 0) return { outcome: 'behind', revision: citizen?.revision ?? null };
      await sleep(Math.min(left, POLL_MS[Math.min(attempt, POLL_MS.length - 1)]));
    }
  }
}
