import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  RequestAction,
  ServiceKind as WireServiceKind,
  ServiceOutcome,
  ServiceReplySchema,
  ServiceRequestSchema,
  type ServiceReply,
  type ServiceRequest,
} from '@registry/contracts';
import type { AgencyEntitlement } from '@registry/change-feed';
import type { Procedure, ProcedureStep, ServiceKind } from '@registry/domain';

const WIRE_KIND: Record<ServiceKind, WireServiceKind> = {
  HEALTH_INSURANCE_CARD: WireServiceKind.HEALTH_INSURANCE_CARD,
  FUNERAL_ALLOWANCE: WireServiceKind.FUNERAL_ALLOWANCE,
};

/**
 * The request of a step, built only from the procedure's stream (its application and the step's
 * request), so the same attempt always encodes to the same bytes. The facts pass through the
 * agency's entitlement as they would in its change feed: a field it may not see is left unset.
 */
export function serviceRequestOf(
  procedure: Procedure,
  step: ProcedureStep,
  attempt: number,
  action: 'apply' | 'withdraw',
  entitlement: AgencyEntitlement | undefined,
): ServiceRequest {
  const request = step.request;
  if (!request) throw new Error(`step ${step.name} of procedure ${procedure.id} sent no request`);
  const { name, dateOfBirth, dateOfDeath, address, motherPin } = procedure.application;
  const birth = entitlement?.view('BirthRegistered', { name, dateOfBirth, motherPin }) ?? {};
  const death = entitlement?.view('DeathRegistered', { dateOfDeath }) ?? {};
  const residence = entitlement?.view('PermanentResidenceRegistered', { address }) ?? {};
  const entitledAddress = residence.address as typeof address | undefined;
  return create(ServiceRequestSchema, {
    requestId: request.requestId,
    procedureId: procedure.id,
    kind: WIRE_KIND[request.kind],
    pin: procedure.pin,
    attempt,
    action: action === 'apply' ? RequestAction.APPLY : RequestAction.WITHDRAW,
    facts: {
      name: birth.name ? { ...name, middleName: name.middleName ?? undefined } : undefined,
      dateOfBirth: (birth.dateOfBirth as string | undefined) ?? '',
      dateOfDeath: (death.dateOfDeath as string | null | undefined) ?? '',
      address: entitledAddress
        ? {
            provinceCode: entitledAddress.provinceCode,
            communeCode: entitledAddress.communeCode ?? undefined,
            line: entitledAddress.line ?? '',
          }
        : undefined,
      motherPin: (birth.motherPin as string | null | undefined) ?? undefined,
    },
  });
}

export const encodeServiceRequest = (request: ServiceRequest) => toBinary(ServiceRequestSchema, request);
export const decodeServiceRequest = (bytes: Uint8Array) => fromBinary(ServiceRequestSchema, bytes);
export const decodeServiceReply = (bytes: Uint8Array) => fromBinary(ServiceReplySchema, bytes);

export interface ServiceReplyInit {
  readonly requestId: string;
  readonly attempt: number;
  readonly outcome: 'GRANTED' | 'REFUSED';
  readonly reference?: string;
  readonly validUntil?: string;
  readonly reason?: string;
}

export function encodeServiceReply(reply: ServiceReplyInit): Uint8Array {
  return toBinary(
    ServiceReplySchema,
    create(ServiceReplySchema, {
      ...reply,
      outcome: reply.outcome === 'GRANTED' ? ServiceOutcome.GRANTED : ServiceOutcome.REFUSED,
    }),
  );
}

/** The reply as the domain applies it; null for a reply without an outcome (a broken producer). */
export function replyOutcome(reply: ServiceReply): 'GRANTED' | 'REFUSED' | null {
  if (reply.outcome === ServiceOutcome.GRANTED) return 'GRANTED';
  if (reply.outcome === ServiceOutcome.REFUSED) return 'REFUSED';
  return null;
}
