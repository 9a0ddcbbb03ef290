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
  private readonly metadataTail: string;

  constructor(
    private readonly file: string,
    today: string,
  ) {
    this.importedOn = `,"importedOn":${JSON.stringify(today)}}`;
    this.metadataTail = `,"schemaVersion":${SCHEMA_VERSION},"source":{"file":${JSON.stringify(file)},"row":`;
  }

  /**
   * The event as JSON text, for COPY: the data serialised once, the facts' hash taken from that
   * same text (the data without its last member, importedOn: JSON.stringify keeps the order of
   * the keys, and importCitizen adds importedOn last), the metadata written around its few
   * varying values. At import speed these allocations are most of the import's own work.
   */
  text(event: CitizenImported, rowNumber: number): NewStreamText {
    const data = JSON.stringify(event.data);
    const facts = data.endsWith(this.importedOn)
      ? `${data.slice(0, data.length - this.importedOn.length)}}`
      : JSON.stringify(factsOf(event));
    const commandId = this.commandId(facts);
    const metadata =
      `{"commandId":"${commandId}","correlationId":"${commandId}","causationId":"${commandId}",` +
      `"actor":{"sub":"legacy-import","office":null,"roles":["operator"]},` +
      `"effectiveAt":${JSON.stringify(event.data.dateOfBirth)}${this.metadataTail}${rowNumber}}}`;
    return {
      streamId: citizenStream(event.data.pin),
      eventId: eventIdFor(commandId, 0),
      type: event.type,
      data,
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

function factsOf(event: CitizenImported): Omit<CitizenImported['data'], 'importedOn'> {
  const { importedOn: _importedOn, ...facts } = event.data;
  return facts;
}
