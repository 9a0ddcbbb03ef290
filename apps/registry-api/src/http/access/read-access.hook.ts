import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AgencyEntitlements, agencyRecordView } from '@registry/change-feed';
import { isPinShaped } from '@registry/domain';
import { HttpProblem, RegistryExceptionFilter, type Principal } from '@registry/platform';
import { CitizenRecords } from '@registry/read-models';
import { AuditTrail, type AuditRecord, type Recording } from '../../audit/audit-trail';
import { officeServes, provinceOfCitizen } from './jurisdiction';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read by key
type Json = Record<string, any>;

const OPENED = Symbol('auditRecordOpened');
const ANSWERED_PINS = Symbol('answeredPins');
type AuditedRequest = FastifyRequest & { [OPENED]?: Recording; [ANSWERED_PINS]?: string[] };
type Done = (error: Error | null, payload?: unknown) => void;

/**
 * For an answer sent as JSON text (a page of stored records): its PINs, so that the audit need
 * not parse the page again to find them (a third of the CPU of a search's audit).
 */
export function noteAnsweredPins(request: FastifyRequest, pins: string[]): void {
  (request as AuditedRequest)[ANSWERED_PINS] = pins;
}

/**
 * The part of ACCESS_POLICY that needs the answer of a read of personal data: an officer's
 * lookup outside the office's province needs a purpose, an agency gets its entitled view, and
 * the audit record is committed before the answer leaves.
 *
 * Fastify's onSend hook, not a Nest interceptor: each interceptor costs Nest an rxjs pipeline and
 * two AsyncResource.bind calls per request, about 13% of a lookup's CPU (ADR 0051).
 *
 * A read of one named PIN that nothing in its answer can refuse has its record opened by the guard
 * (`open`), so the record's commit runs beside the read instead of after it: the lookup then
 * waits for the longer of the two, not for their sum. Such a record stands for the request as
 * made: a lookup that finds an unknown PIN (404) or a re-established one (301), or whose query
 * is then refused (400), is recorded too.
 */
@Injectable()
export class ReadAccessHook implements OnModuleInit {
  private readonly errors = new RegistryExceptionFilter();

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly audit: AuditTrail,
    private readonly records: CitizenRecords,
    private readonly entitlements: AgencyEntitlements,
  ) {}

  onModuleInit(): void {
    // Lookups opened beside the read carry their records (ADR 0085).
    this.audit.travelWith(this.records);
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    // The callback form: an answer that only waits for its record goes without a promise.
    fastify?.addHook('onSend', (request: AuditedRequest, reply, payload, done: Done) =>
      this.beforeSend(request, reply, payload, done),
    );
  }

  /** Called by the guard once the request is admitted: starts the record when it can start now. */
  open(request: AuditedRequest): void {
    const access = request.access!;
    const pin = pathPin(request);
    if (!access.access.audit || !pin || !isPinShaped(pin)) return; // a malformed PIN is refused (400): no read
    if (access.scope === 'office-or-purpose' && !access.purpose) return; // may yet be refused: after the read
    // Waited for before the answer leaves (beforeSend); AuditTrail logs a failure.
    request[OPENED] = this.audit.open(this.recordOf(request, [pin]));
  }

  private beforeSend(request: AuditedRequest, reply: FastifyReply, payload: unknown, done: Done): void {
    const access = request.access;
    if (!access?.access.audit) return done(null, payload);
    const opened = request[OPENED];
    if (reply.statusCode !== 200) {
      // No personal data in this answer (404, 301, an error), but a record opened for the request
      // is committed before it leaves, as for any other read; its failure changes nothing here.
      if (opened) opened.whenWritten(() => done(null, payload));
      else done(null, payload);
      return;
    }
    if (opened && access.scope !== 'entitled') {
      // Opened: nothing in the answer can refuse it (open), so the record is all there is to wait for.
      opened.whenWritten((error) => done(null, error ? this.refusal(reply, error) : payload));
      return;
    }
    this.afterRead(request, payload).then(
      (answer) => done(null, answer),
      (error: unknown) => done(null, this.refusal(reply, error)),
    );
  }

  /** The answer becomes the error's (API.md error shape), without the read's headers. */
  private refusal(reply: FastifyReply, error: unknown): string {
    const [status, body, headers] = this.errors.answer(error);
    void reply.status(status).headers(headers).removeHeader('etag').type('application/json; charset=utf-8');
    return JSON.stringify(body);
  }

  private async afterRead(request: AuditedRequest, payload: unknown): Promise<unknown> {
    const access = request.access!;
    const pin = pathPin(request);
    let parsed: Json | null = null;
    const json = (): Json => (parsed ??= JSON.parse(String(payload)) as Json);
    if (access.scope === 'office-or-purpose' && !access.purpose && pin) {
      await this.requireOfficeOrPurpose(request.principal!, pin, request, json);
    }
    const answer =
      access.scope === 'entitled' ? JSON.stringify(this.entitledView(request.principal!, json())) : payload;
    const pins = (): string[] => (pin ? [pin] : (request[ANSWERED_PINS] ?? pinsOf(json())));
    const opened = request[OPENED];
    await (opened ? written(opened) : this.audit.record(this.recordOf(request, pins())));
    return answer;
  }

  private recordOf(request: FastifyRequest, pins: string[]): AuditRecord {
    const { access, principal } = request as Required<Pick<FastifyRequest, 'access' | 'principal'>>;
    return {
      at: new Date(),
      sub: principal.sub,
      role: access.role,
      office: principal.office,
      agency: principal.agency,
      action: access.access.audit!,
      pins,
      purpose: access.purpose,
    };
  }

  /** The citizen's current province: from the answer when it is the current record, else the read model. */
  private async requireOfficeOrPurpose(
    principal: Principal,
    pin: string,
    request: FastifyRequest,
    json: () => Json,
  ): Promise<void> {
    const query = request.query as Json;
    const answersCurrentRecord =
      request.routeOptions.url === '/v1/citizens/:pin' && query.validAt === undefined && query.knownAt === undefined;
    // Not projected yet: the province that registered the birth (the PIN's first digits) decides.
    const current: Json = (answersCurrentRecord
      ? json()
      : await this.records.find(pin).then((c) => c?.json && JSON.parse(c.json))) ?? { permanentResidence: null };
    if (
      officeServes(
        principal.office,
        provinceOfCitizen({ pin, permanentResidence: current.permanentResidence ?? null }),
        new Date(),
      )
    )
      return;
    throw new HttpProblem(
      400,
      'PURPOSE_REQUIRED',
      "This citizen lives outside your office's province: state the purpose of the lookup in X-Purpose",
    );
  }

  private entitledView(principal: Principal, answer: Json): Json {
    const agency = this.entitlements.get(principal.agency!)!;
    if (Array.isArray(answer.items)) {
      return { ...answer, items: answer.items.map((item: Json) => agencyRecordView(agency, item)) };
    }
    return agencyRecordView(agency, answer);
  }
}

function written(recording: Recording): Promise<void> {
  return new Promise((resolve, reject) => recording.whenWritten((error) => (error ? reject(error) : resolve())));
}

function pathPin(request: FastifyRequest): string | undefined {
  return (request.params as Record<string, string | undefined> | undefined)?.pin;
}

/**
 * The PINs of a page of citizens (search, residents), of events (a feed page), or of one answer
 * (a procedure's citizen, a marriage's spouses).
 */
function pinsOf(answer: Json): string[] {
  const rows: Json[] = answer.items ?? answer.events ?? [answer];
  const pins = rows.flatMap((row) => [row.pin, ...(Array.isArray(row.spouses) ? row.spouses : [])]);
  return [...new Set(pins.filter((pin): pin is string => typeof pin === 'string'))];
}
