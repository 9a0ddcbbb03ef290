import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  PROVINCES,
  sexCenturyDigit,
  type Address,
  type CitizenEvent,
  type PersonName,
  type Sex,
  citizenStream,
} from '@registry/domain';
import { metadataFor } from './citizen-events';
import { ETHNICITIES, FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, STREETS } from './vietnamese-names';

export interface SeedOptions {
  readonly citizens: number;
  /** Same seed, same citizens (names, dates, moves); event ids and record times differ. */
  readonly seed?: number;
  /** Citizens per insert transaction. */
  readonly chunk?: number;
  readonly onProgress?: (citizens: number, events: number) => void;
}

export interface SeedSummary {
  readonly citizens: number;
  readonly events: number;
  readonly byType: Record<string, number>;
}

/** Events happen up to the day before the 2025 merger, so every one of the 63 codes is valid. */
const LAST_DAY = '2025-06-30';
const PROVINCE_CODES = PROVINCES.filter((p) => p.validTo === null || p.validTo >= LAST_DAY).map((p) => p.code);
/** The PIN has six serial digits: a million citizens per province set (see provincesOfBlock). */
const SERIALS = 1_000_000;
const MAX_CITIZENS = 10 * SERIALS;

/**
 * Up to a million citizens are born in any province. Beyond, citizen i belongs to block
 * floor(i / 1,000,000) and is born in one of that block's provinces (every tenth code), so two
 * citizens with the same serial digits never share a province and their PINs differ.
 */
function provincesOfBlock(serial: number, citizens: number): readonly string[] {
  if (citizens <= SERIALS) return PROVINCE_CODES;
  const block = Math.floor(serial / SERIALS);
  return PROVINCE_CODES.filter((_, index) => index % 10 === block);
}

/**
 * Writes realistic citizen streams straight into the PostgreSQL event store, many per
 * transaction (appending stream by stream would take hours at a million). Births with the
 * first residence (one procedure), later moves, temporary stays, deaths with the cancellation
 * that follows: those go into later transactions, so streams interleave as in the registry.
 */
export async function seedCitizens(pool: Pool, options: SeedOptions): Promise<SeedSummary> {
  if (options.citizens > MAX_CITIZENS) throw new Error(`At most ${MAX_CITIZENS} citizens per seeded database`);
  const random = mulberry32(options.seed ?? 1);
  const chunk = options.chunk ?? 2000;
  const pending = new Map<number, PendingEvent[]>();
  const byType: Record<string, number> = {};
  let events = 0;
  const chunks = Math.ceil(options.citizens / chunk);
  for (let c = 0; ; c++) {
    if (c < chunks) {
      for (let i = c * chunk; i < Math.min(options.citizens, (c + 1) * chunk); i++) {
        lifeOfCitizen(random, i, options.citizens).forEach(({ event, later }, revision) => {
          const rows = pending.get(c + later) ?? [];
          rows.push({ stream: i, revision, event });
          pending.set(c + later, rows);
        });
      }
    }
    const rows = pending.get(c);
    if (!rows && c >= chunks && pending.size === 0) break;
    pending.delete(c);
    if (rows) await insert(pool, rows);
    for (const row of rows ?? []) byType[row.event.type] = (byType[row.event.type] ?? 0) + 1;
    events += rows?.length ?? 0;
    options.onProgress?.(Math.min(options.citizens, (c + 1) * chunk), events);
  }
  return { citizens: options.citizens, events, byType };
}

interface PendingEvent {
  readonly stream: number;
  readonly revision: number;
  readonly event: CitizenEvent & { finalRevision?: number };
}

async function insert(pool: Pool, rows: readonly PendingEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const births = rows.filter((r) => r.revision === 0);
    await client.query('INSERT INTO es_streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])', [
      births.map((r) => citizenStream(pinOf(r.event))),
      births.map((r) => r.event.finalRevision ?? 0),
    ]);
    await client.query(
      `INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
       SELECT s, r, e, t, d, m FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])
              WITH ORDINALITY AS x(s, r, e, t, d, m, n) ORDER BY n`,
      [
        rows.map((r) => citizenStream(pinOf(r.event))),
        rows.map((r) => r.revision),
        rows.map(() => randomUUID()),
        rows.map((r) => r.event.type),
        rows.map((r) => JSON.stringify(r.event.data)),
        rows.map((r) => JSON.stringify(metadataFor(effectiveAtOf(r.event)))),
      ],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

function pinOf(event: CitizenEvent): string {
  return (event.data as { pin: string }).pin;
}

function effectiveAtOf(event: CitizenEvent): string {
  const data = event.data as Record<string, unknown>;
  return String(data.effectiveDate ?? data.dateOfBirth ?? data.from ?? data.dateOfDeath ?? data.endedOn);
}

/** An event and how many transactions after its citizen's birth it is recorded. */
interface Scheduled {
  readonly event: CitizenEvent & { finalRevision?: number };
  readonly later: number;
}

/**
 * One citizen's whole stream, in order: birth and first residence together, then moves, a stay,
 * maybe a death with its cancellation, each a few transactions after the one before.
 */
function lifeOfCitizen(random: () => number, serial: number, citizens: number): Scheduled[] {
  const events = citizenEvents(random, serial, provincesOfBlock(serial, citizens));
  let later = 0;
  return events.map((event, i) => {
    const together =
      i === 0 ||
      (i === 1 && event.type === 'PermanentResidenceRegistered' && event.data.previous === null) ||
      event.type === 'PermanentResidenceCancelled';
    if (!together) later += 1 + Math.floor(random() * 8);
    return { event: i === 0 ? { ...event, finalRevision: events.length - 1 } : event, later };
  });
}

function citizenEvents(random: () => number, serial: number, birthProvinces: readonly string[]): CitizenEvent[] {
  const sex: Sex = random() < 0.5 ? 'male' : 'female';
  const dateOfBirth = dateBetween(random, '1930-01-01', LAST_DAY);
  const province = pick(random, birthProvinces);
  const pin = `${province}${sexCenturyDigit(sex, Number(dateOfBirth.slice(0, 4)))}${dateOfBirth.slice(2, 4)}${String(serial % SERIALS).padStart(6, '0')}`;
  const home = addressIn(random, province);
  const events: CitizenEvent[] = [birthOf(random, pin, sex, dateOfBirth, province, home)];
  let since = dateOfBirth;
  let current: Address | null = null;
  if (random() < 0.9) {
    events.push({
      type: 'PermanentResidenceRegistered',
      data: { pin, address: home, effectiveDate: since, previous: null },
    });
    current = home;
  }
  const moves = current ? (random() < 0.35 ? 1 : 0) + (random() < 0.1 ? 1 : 0) : 0;
  for (let m = 0; m < moves && since < LAST_DAY; m++) {
    const effectiveDate = dateBetween(random, nextDay(since), LAST_DAY);
    const address = addressIn(random, pick(random, PROVINCE_CODES));
    events.push({
      type: 'PermanentResidenceRegistered',
      data: { pin, address, effectiveDate, previous: { address: current!, since } },
    });
    current = address;
    since = effectiveDate;
  }
  if (random() < 0.15 && since < LAST_DAY) {
    const from = dateBetween(random, nextDay(since), LAST_DAY);
    const until = `${Number(from.slice(0, 4)) + 1}${from.slice(4, 8)}28`;
    events.push({
      type: 'TemporaryResidenceRegistered',
      data: { pin, address: addressIn(random, pick(random, PROVINCE_CODES)), from, until },
    });
    since = from;
  }
  if (dateOfBirth < '2000-01-01' && random() < 0.12 && since < LAST_DAY) {
    const dateOfDeath = dateBetween(random, nextDay(since), LAST_DAY);
    events.push({
      type: 'DeathRegistered',
      data: {
        pin,
        dateOfDeath,
        placeOfDeath: { provinceCode: current?.provinceCode ?? province, detail: null },
        certificateNumber: `KT-${pin}`,
      },
    });
    if (current)
      events.push({
        type: 'PermanentResidenceCancelled',
        data: { pin, address: current, reason: 'deceased', effectiveDate: dateOfDeath, note: null },
      });
  }
  return events;
}

function birthOf(
  random: () => number,
  pin: string,
  sex: Sex,
  dateOfBirth: string,
  province: string,
  home: Address,
): CitizenEvent {
  return {
    type: 'BirthRegistered',
    data: {
      pin,
      name: nameOf(random, sex),
      sex,
      dateOfBirth,
      placeOfBirth: { provinceCode: province, detail: `Bệnh viện đa khoa ${province}` },
      nationality: 'VN',
      ethnicity: pick(random, ETHNICITIES),
      motherPin: null,
      fatherPin: null,
      registrationProvinceCode: province,
      permanentResidence: home,
    },
  };
}

function nameOf(random: () => number, sex: Sex): PersonName {
  return {
    familyName: weighted(random, FAMILY_NAMES),
    middleName: pick(random, MIDDLE_NAMES[sex]),
    givenName: pick(random, GIVEN_NAMES[sex]),
  };
}

function addressIn(random: () => number, provinceCode: string): Address {
  const commune = String(Math.floor(random() * 32000)).padStart(5, '0');
  return { provinceCode, communeCode: commune, line: `${1 + Math.floor(random() * 300)} ${pick(random, STREETS)}` };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function weighted(random: () => number, items: ReadonlyArray<readonly [string, number]>): string {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1][0];
}

const DAY_MS = 86_400_000;

function dateBetween(random: () => number, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - start) / DAY_MS));
  return new Date(start + Math.floor(random() * (days + 1)) * DAY_MS).toISOString().slice(0, 10);
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** A small seeded generator: the same seed gives the same population. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
