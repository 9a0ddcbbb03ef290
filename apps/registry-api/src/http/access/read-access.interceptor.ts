import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { AgencyEntitlements, agencyRecordView } from '@registry/change-feed';
import { HttpProblem, type Principal } from '@registry/platform';
import { CitizenRecords } from '@registry/read-models';
import { AuditTrail } from '../../audit/audit-trail';
import { officeServes, provinceOfCitizen } from './jurisdiction';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read by key
type Json = Record<string, any>;

/**
 * After a read of personal data: the checks that need the answer (an officer's lookup outside
 * the office's province needs a purpose), the agency's entitled view, and the audit record,
 * stored before the answer leaves. Driven by ACCESS_POLICY, so controllers stay unaware of it.
 */
@Injectable()
export class ReadAccessInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditTrail,
    private readonly records: CitizenRecords,
    private readonly entitlements: AgencyEntitlements,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (!request.access?.access.audit) return next.handle();
    return next.handle().pipe(mergeMap((answer) => from(this.afterRead(request, reply, answer))));
  }

  private async afterRead(request: FastifyRequest, reply: FastifyReply, answer: unknown): Promise<unknown> {
    if (reply.statusCode === 301) return answer; // the new PIN only: no personal data
    const access = request.access!;
    const principal = request.principal!;
    const pathPin = (request.params as Record<string, string | undefined>).pin;
    let parsed: Json | null = null;
    const json = (): Json => (parsed ??= typeof answer === 'string' ? JSON.parse(answer) : (answer as Json));
    if (access.scope === 'office-or-purpose' && !access.purpose && pathPin) {
      await this.requireOfficeOrPurpose(principal, pathPin, request, json);
    }
    let result = answer;
    if (access.scope === 'entitled') result = this.entitledView(principal, json());
    const pins = pathPin ? [pathPin] : pinsOf(json());
    await this.audit.record({
      at: new Date(),
      sub: principal.sub,
      role: access.role,
      office: principal.office,
      agency: principal.agency,
      action: access.access.audit!,
      pins,
      purpose: access.purpose,
    });
    return result;
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

/** The PINs of a page of citizens (search, residents), of events (a feed page), or of one answer (a procedure). */
function pinsOf(answer: Json): string[] {
  const rows: Json[] = answer.items ?? answer.events ?? [answer];
  return [...new Set(rows.map((row) => row.pin).filter((pin): pin is string => typeof pin === 'string'))];
}
