import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from '@registry/event-store';

/**
 * The tables a birth writes a row into in the registry: the store's two (the stream and its event)
 * and the read models' four (the record, the name searched, the residence life, the vital
 * statistics row). The ceiling with the registry's rows writes the same rows, with the same
 * indexes, into copies of them.
 */
const BIRTH_TABLES = ['es_streams', 'es_events', 'citizen_records', 'citizen_names', 'residence_lives', 'vital_events'];

const copyOf = (table: string) => `bench_rows_${table}`;

/**
 * Copies of the six tables, with their indexes and their rows, made once per database (copies of
 * a database made from it carry them too): a row inserted into an empty index costs less than one
 * among 100,000s, so the copies start as full as the registry's tables. Answers what was done.
 */
export async function prepareRowsCeiling(pool: Pool): Promise<string> {
  const started = Date.now();
  const made: string[] = [];
  for (const table of BIRTH_TABLES) {
    const { rowCount } = await pool.query(`SELECT 1 FROM pg_tables WHERE tablename = $1`, [copyOf(table)]);
    if (rowCount) continue;
    // One transaction a table, on one connection: a run stopped halfway leaves no empty copy behind to be taken as made.
    const columns = await writableColumns(pool, table);
    await inTransaction(pool, async (tx) => {
      await tx.query(`CREATE TABLE ${copyOf(table)} (LIKE ${table} INCLUDING ALL)`);
      await tx.query(
        `INSERT INTO ${copyOf(table)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM ${table}`,
      );
    });
    await pool.query(`VACUUM ANALYZE ${copyOf(table)}`);
    made.push(table);
  }
  return made.length === 0
    ? 'copies of the six tables already there'
    : `copied ${made.join(', ')} with their indexes in ${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** The columns a row is written with: generated ones (the folded name searched) PostgreSQL computes. */
async function writableColumns(pool: Pool, table: string): Promise<string> {
  const { rows } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((row) => `"${row.column_name}"`).join(', ');
}

interface BirthBody {
  readonly child: {
    readonly familyName: string;
    readonly middleName?: string;
    readonly givenName: string;
    readonly sex: string;
    readonly dateOfBirth: string;
    readonly placeOfBirth: { readonly provinceCode: string; readonly detail: string };
    readonly nationality: string;
    readonly ethnicity: string;
  };
  readonly registrationProvinceCode: string;
}

/** PostgreSQL's unique_violation: the random PIN was taken; another is drawn, as the registry does. */
const UNIQUE_VIOLATION = '23505';

/**
 * One birth as a bare handler would write the registry's six rows, durable before it answers:
 * one statement (one round trip, one commit) inserting the stream, the event, the record, the
 * name, the residence life and the vital statistics row, with no framework, token, validation,
 * decider, log or projector, and no batching across requests (the registry's group commit and
 * projector batches are its own code's work). Its PIN has the registry's shape (province, then
 * digits drawn at random, so index pages are hit as the registry's are). Answers the PIN.
 */
export async function birthWithTheRegistryRows(pool: Pool, body: BirthBody): Promise<string> {
  for (;;) {
    const pin = `${body.registrationProvinceCode}${String(randomInt(1e9)).padStart(9, '0')}`;
    try {
      await pool.query(rowsStatement(pin, body));
      return pin;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
}

function rowsStatement(pin: string, body: BirthBody) {
  const { child } = body;
  const name = { familyName: child.familyName, middleName: child.middleName, givenName: child.givenName };
  const fullName = [child.familyName, child.middleName, child.givenName].filter(Boolean).join(' ');
  // The event's and the record's JSON as the registry writes them, so that rows are as wide.
  const data = {
    pin,
    sex: child.sex,
    name,
    ethnicity: child.ethnicity,
    fatherPin: null,
    motherPin: null,
    dateOfBirth: child.dateOfBirth,
    nationality: child.nationality,
    placeOfBirth: child.placeOfBirth,
    permanentResidence: null,
    registrationProvinceCode: body.registrationProvinceCode,
  };
  const record = {
    pin,
    name,
    sex: child.sex,
    dateOfBirth: child.dateOfBirth,
    placeOfBirth: child.placeOfBirth,
    nationality: child.nationality,
    ethnicity: child.ethnicity,
    status: 'alive',
    dateOfDeath: null,
    motherPin: null,
    fatherPin: null,
    maritalStatus: 'single',
    spousePin: null,
    permanentResidence: null,
    temporaryResidence: null,
    revision: 0,
  };
  const commandId = randomUUID();
  const metadata = {
    actor: {
      sub: `bench-officer-${body.registrationProvinceCode}`,
      roles: ['officer'],
      office: body.registrationProvinceCode,
    },
    commandId,
    causationId: commandId,
    effectiveAt: child.dateOfBirth,
    requestedAt: new Date().toISOString(),
    correlationId: commandId,
    schemaVersion: 1,
  };
  return {
    name: 'ceiling_birth_rows',
    text: `WITH stream AS (INSERT INTO ${copyOf('es_streams')} (stream_id, revision) VALUES ('citizen-' || $1, 0)),
               event AS (INSERT INTO ${copyOf('es_events')} (stream_id, revision, event_id, type, data, metadata)
                         VALUES ('citizen-' || $1, 0, $2, 'BirthRegistered', $3, $4)),
               record AS (INSERT INTO ${copyOf('citizen_records')} (pin, revision, record) VALUES ($1, 0, $5)),
               name AS (INSERT INTO ${copyOf('citizen_names')} (pin, full_name, date_of_birth) VALUES ($1, $6, $7)),
               life AS (INSERT INTO ${copyOf('residence_lives')} (pin, date_of_birth) VALUES ($1, $7))
          INSERT INTO ${copyOf('vital_events')} (pin, asserted_by, birth_province_code, birth_month, recorded)
          VALUES ($1, 0, $8, date_trunc('month', $7::date), tstzrange(now(), NULL))`,
    values: [
      pin,
      randomUUID(),
      JSON.stringify(data),
      JSON.stringify(metadata),
      JSON.stringify(record),
      fullName,
      child.dateOfBirth,
      child.placeOfBirth.provinceCode,
    ],
  };
}
