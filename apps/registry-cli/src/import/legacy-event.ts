import { hash } from 'node:crypto';
import { citizenStream, type CitizenImported } from '@registry/domain';
// The module itself, not the lib's index: a worker thread loads this file, and the index loads the whole application layer.
import { commandIdFor, eventIdFor, SCHEMA_VERSION } from '@registry/app/command-handling/command-envelope';
import type { NewStream, NewStreamText } from '@registry/event-store';

const ACTOR = { sub: 'legacy-import', office: null, roles: ['operator'] };

/**
 * The stream each accepted row opens: `citizen-<PIN>` with its CitizenImported. The event id
 * depends on the facts alone (not the run, the row number or the import date): the same row
 * imported again (another day, another run) is the same event, and a different record under an
 * imported PIN is a conflict.
 */
export class LegacyEvents {
  private readonly importedOn: string;
  private readonly sourceFile: string;

  constructor(
    private readonly file: string,
    today: string,
  ) {
    this.importedOn = `,"importedOn":${JSON.stringify(today)}}`;
    this.sourceFile = `,"file":${JSON.stringify(file)}},"commandId":"`;
  }

  /**
   * The event as JSON text, for COPY. The facts' hash (the event id's source) is taken from
   * JSON.stringify's text of the data (the data without its last member, importedOn:
   * JSON.stringify keeps the order of the keys, and importCitizen adds importedOn last). The
   * text stored is written with every object's keys in jsonb's own order (shorter keys first,
   * then bytewise): PostgreSQL sorts each object's keys as it reads jsonb, and keys already in
   * order cost it one comparison each instead of a sort, 15% of its work on the import's rows.
   * jsonb keeps no key order, so the stored event is the same. A unit test holds both texts to
   * the event as objects.
   */
  text(event: CitizenImported, rowNumber: number): NewStreamText {
    const stringified = JSON.stringify(event.data);
    const facts = stringified.endsWith(this.importedOn)
      ? `${stringified.slice(0, stringified.length - this.importedOn.length)}}`
      : JSON.stringify(factsOf(event));
    const commandId = this.commandId(facts);
    const metadata =
      `{"actor":{"sub":"legacy-import","roles":["operator"],"office":null},"source":{"row":${rowNumber}` +
      `${this.sourceFile}${commandId}","causationId":"${commandId}","effectiveAt":${JSON.stringify(event.data.dateOfBirth)},` +
      `"correlationId":"${commandId}","schemaVersion":${SCHEMA_VERSION}}`;
    return {
      streamId: citizenStream(event.data.pin),
      eventId: eventIdFor(commandId, 0),
      type: event.type,
      data: dataInJsonbOrder(event.data),
      metadata,
    };
  }

  /** The same event as objects, for a store without COPY (appendToNewStreams). */
  stream(event: CitizenImported, rowNumber: number): NewStream {
    const commandId = this.commandId(JSON.stringify(factsOf(event)));
    return {
      streamId: citizenStream(event.data.pin),
      events: [
        {
          eventId: eventIdFor(commandId, 0),
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: {
            commandId,
            correlationId: commandId,
            causationId: commandId,
            actor: ACTOR,
            effectiveAt: event.data.dateOfBirth,
            schemaVersion: SCHEMA_VERSION,
            source: { file: this.file, row: rowNumber },
          },
        },
      ],
    };
  }

  private commandId(facts: string): string {
    return commandIdFor('legacy-import', hash('sha256', facts, 'hex'));
  }
}

/** CitizenImported's data as JSON, every object's keys in jsonb's order (LegacyEvents.text). */
function dataInJsonbOrder(data: CitizenImported['data']): string {
  const s = JSON.stringify;
  const { name, placeOfBirth: birth, permanentResidence: residence } = data;
  const residenceText =
    residence === null
      ? 'null'
      : `{"since":${s(residence.since)},"address":{"line":${s(residence.address.line)},` +
        `"communeCode":${s(residence.address.communeCode)},"provinceCode":${s(residence.address.provinceCode)}}}`;
  return (
    `{"pin":${s(data.pin)},"sex":${s(data.sex)},"name":{"givenName":${s(name.givenName)},` +
    `"familyName":${s(name.familyName)},"middleName":${s(name.middleName)}},"ethnicity":${s(data.ethnicity)},` +
    `"fatherPin":${s(data.fatherPin)},"motherPin":${s(data.motherPin)},"importedOn":${s(data.importedOn)},` +
    `"dateOfBirth":${s(data.dateOfBirth)},"dateOfDeath":${s(data.dateOfDeath)},"nationality":${s(data.nationality)},` +
    `"placeOfBirth":{"detail":${s(birth.detail)},"provinceCode":${s(birth.provinceCode)}},` +
    `"permanentResidence":${residenceText}}`
  );
}

function factsOf(event: CitizenImported): Omit<CitizenImported['data'], 'importedOn'> {
  const { importedOn: _importedOn, ...facts } = event.data;
  return facts;
}
