import { readFileSync } from 'node:fs';
import type { DescMessage } from '@bufbuild/protobuf';
import { fieldNamed, PAYLOAD_CONTRACTS } from '../protobuf/payload-contracts';
import { agencyTopic } from '../topics';

/**
 * Which parts of an event an agency may receive: `true` for a whole field, or a subtree for
 * some fields of a message-typed field (e.g. `address.provinceCode` without `address.line`).
 */
export interface FieldTree {
  readonly [field: string]: FieldTree | true;
}

/** One agency's entitlement, as read from the entitlement file (format: README "Entitlement file"). */
export class AgencyEntitlement {
  readonly topic: string;

  constructor(
    readonly agencyId: string,
    readonly description: string,
    private readonly fields: ReadonlyMap<string, FieldTree>,
  ) {
    this.topic = agencyTopic(agencyId);
  }

  /** The event types the agency receives, in file order. */
  get eventTypes(): string[] {
    return [...this.fields.keys()];
  }

  entitles(type: string): boolean {
    return this.fields.has(type);
  }

  /** The entitled fields of the type, as dotted paths (for documentation and logs). */
  fieldPaths(type: string): string[] {
    const tree = this.fields.get(type);
    return tree ? paths(tree) : [];
  }

  /**
   * The event's data reduced to the entitled fields, or null when the type is not entitled.
   * Everything an agency receives (Kafka payload and HTTP `data`) is built from this view alone,
   * so a field it may not see never reaches the encoder.
   */
  view(type: string, data: Record<string, unknown>): Record<string, unknown> | null {
    const tree = this.fields.get(type);
    if (!tree) return null;
    if (type === 'RecordCorrected' && !this.entitledToFact(data.field)) return null;
    return pick(data, tree);
  }

  /**
   * A correction carries the old and new value of one birth fact (name, sex, date or place of
   * birth, ethnicity): an agency gets it only when it is entitled to the whole fact in
   * BirthRegistered, or a correction of ethnicity would hand ethnicity to an agency that may
   * never see it.
   */
  private entitledToFact(field: unknown): boolean {
    if (typeof field !== 'string') return false;
    let node: FieldTree | true | undefined = this.fields.get('BirthRegistered');
    for (const segment of field.split('.')) {
      if (node === undefined || node === true) break;
      node = node[segment];
    }
    return node === true;
  }
}

function pick(data: Record<string, unknown>, tree: FieldTree): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [name, wanted] of Object.entries(tree)) {
    if (!Object.prototype.hasOwnProperty.call(data, name)) continue;
    const value = data[name];
    if (wanted === true || value === null) picked[name] = value;
    else if (typeof value === 'object' && !Array.isArray(value))
      picked[name] = pick(value as Record<string, unknown>, wanted);
    // a subtree over a value that is not an object: nothing of it is entitled
  }
  return picked;
}

function paths(tree: FieldTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([name, sub]) =>
    sub === true ? [prefix + name] : paths(sub, `${prefix}${name}.`),
  );
}

export class EntitlementFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid agency entitlement file ${source}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Agency ids become topic names and URL segments: lower case letters, digits and dashes. */
export const AGENCY_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** All agencies of the entitlement file, validated against the protobuf contract at load. */
export class AgencyEntitlements {
  private readonly byId: ReadonlyMap<string, AgencyEntitlement>;

  constructor(agencies: readonly AgencyEntitlement[]) {
    this.byId = new Map(agencies.map((agency) => [agency.agencyId, agency]));
  }

  static fromFile(path: string): AgencyEntitlements {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new EntitlementFileError(path, [`cannot be read: ${(error as Error).message}`]);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new EntitlementFileError(path, [`is not JSON: ${(error as Error).message}`]);
    }
    return AgencyEntitlements.parse(json, path);
  }

  /**
   * Checks everything before the registry starts: unknown keys, agency ids, event types the
   * contract does not know and field paths it does not have are all errors (a typo must not
   * silently give an agency nothing, or everything).
   */
  static parse(json: unknown, source = 'entitlements'): AgencyEntitlements {
    const problems: string[] = [];
    const agencies: AgencyEntitlement[] = [];
    if (!isObject(json)) throw new EntitlementFileError(source, ['the top level must be an object']);
    unknownKeys(json, ['$schema', 'description', 'agencies'], '', problems);
    const listed = json.agencies;
    if (!isObject(listed)) problems.push('"agencies" must be an object of agency id -> entitlement');
    else {
      for (const [agencyId, entry] of Object.entries(listed)) {
        const agency = parseAgency(agencyId, entry, problems);
        if (agency) agencies.push(agency);
      }
    }
    if (problems.length > 0) throw new EntitlementFileError(source, problems);
    return new AgencyEntitlements(agencies);
  }

  get(agencyId: string): AgencyEntitlement | undefined {
    return this.byId.get(agencyId);
  }

  all(): AgencyEntitlement[] {
    return [...this.byId.values()];
  }
}

function parseAgency(agencyId: string, entry: unknown, problems: string[]): AgencyEntitlement | null {
  const at = `agencies.${agencyId}`;
  if (!AGENCY_ID.test(agencyId)) problems.push(`${at}: an agency id is 1-40 of a-z, 0-9 and inner dashes`);
  if (!isObject(entry)) {
    problems.push(`${at} must be an object with "events"`);
    return null;
  }
  unknownKeys(entry, ['description', 'events'], at, problems);
  if (entry.description !== undefined && typeof entry.description !== 'string')
    problems.push(`${at}.description must be a string`);
  if (!isObject(entry.events) || Object.keys(entry.events).length === 0) {
    problems.push(`${at}.events must list at least one event type`);
    return null;
  }
  const fields = new Map<string, FieldTree>();
  for (const [type, listedFields] of Object.entries(entry.events)) {
    const tree = parseFields(`${at}.events.${type}`, type, listedFields, problems);
    if (tree) fields.set(type, tree);
  }
  return new AgencyEntitlement(agencyId, typeof entry.description === 'string' ? entry.description : '', fields);
}

function parseFields(at: string, type: string, listed: unknown, problems: string[]): FieldTree | null {
  const contract = PAYLOAD_CONTRACTS.get(type);
  if (!contract) {
    problems.push(`${at}: unknown event type (known: ${[...PAYLOAD_CONTRACTS.keys()].join(', ')})`);
    return null;
  }
  if (!Array.isArray(listed) || listed.length === 0 || !listed.every((f) => typeof f === 'string')) {
    problems.push(`${at} must be a non-empty array of field paths, or ["*"]`);
    return null;
  }
  if (listed.includes('*')) {
    if (listed.length > 1) problems.push(`${at}: "*" (every field) stands alone`);
    return Object.fromEntries(contract.message.fields.map((field) => [field.jsonName, true as const]));
  }
  const tree: Record<string, unknown> = {};
  for (const path of listed as string[]) {
    const error = addPath(tree, contract.message, path.split('.'));
    if (error) problems.push(`${at}: "${path}": ${error}`);
  }
  return tree as FieldTree;
}

/** Adds a dotted path to the tree, checking each segment against the contract. */
function addPath(tree: Record<string, unknown>, message: DescMessage, segments: string[]): string | null {
  const [name, ...rest] = segments;
  const field = fieldNamed(message, name);
  if (!field)
    return `${message.name} has no field ${name} (fields: ${message.fields.map((f) => f.jsonName).join(', ')})`;
  if (rest.length === 0) {
    tree[name] = true;
    return null;
  }
  if (field.fieldKind !== 'message') return `${name} has no subfields`;
  if (tree[name] === true) return null; // the whole field is already entitled
  const subtree = (tree[name] ??= {}) as Record<string, unknown>;
  return addPath(subtree, field.message, rest);
}

function unknownKeys(object: Record<string, unknown>, allowed: string[], at: string, problems: string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      problems.push(`${at ? `${at}.` : ''}${key}: unknown key (allowed: ${allowed.join(', ')})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
