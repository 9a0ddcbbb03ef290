/**
 * The real server's error shapes. Classic calls fail with a gRPC status plus trailers the client
 * switches on (`exception`, `stream-name`, ...; see the client's convertToCommandError and the
 * native reader's Error::from_grpc). BatchAppend instead answers with a google.rpc.Status whose
 * `details` packs the typed error (the client's unpackToCommandError).
 */
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import { Any, code, GoogleEmpty, shared, status as rpcStatus } from './proto';
import type { ExpectedState } from './log';

export type GrpcError = ServerErrorResponse & { code: status };

function withTrailers(grpcCode: status, details: string, trailers: Record<string, string>): GrpcError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code: grpcCode, details, metadata });
}

export const streamDeleted = (streamName: string): GrpcError =>
  withTrailers(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  });

export const wrongExpectedVersion = (streamName: string, expected: bigint, actual: bigint | 'no_stream'): GrpcError =>
  withTrailers(
    status.FAILED_PRECONDITION,
    `Append failed due to WrongExpectedVersion. Stream: ${streamName}, Expected version: ${expected}, Actual version: ${actual === 'no_stream' ? -1 : actual}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': streamName,
      'expected-version': expected.toString(),
      // The client reads a missing actual-version as "no stream".
      ...(actual === 'no_stream' ? {} : { 'actual-version': actual.toString() }),
    },
  );

export const maximumAppendSizeExceeded = (maxAppendSize: number): GrpcError =>
  withTrailers(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

export const missingRequiredMetadata = (properties: readonly string[]): GrpcError =>
  withTrailers(status.INVALID_ARGUMENT, `Required metadata properties are missing: ${properties.join(', ')}`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': properties.join(','),
  });

export const invalidArgument = (details: string): GrpcError => withTrailers(status.INVALID_ARGUMENT, details, {});

/** Expected states travel as sentinel numbers in the trailers: -1 no stream, -2 any, -4 stream exists. */
export function expectedVersionNumber(expected: ExpectedState): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    case 'revision':
      return expected.revision;
  }
}

function packed(grpcCode: code.Code, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string) {
  const result = new rpcStatus.Status();
  result.setCode(grpcCode);
  result.setMessage(message);
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  result.setDetails(any);
  return result;
}

export function batchWrongExpectedVersion(expected: ExpectedState, actual: bigint | 'no_stream'): rpcStatus.Status {
  const detail = new shared.WrongExpectedVersion();
  const empty = () => new GoogleEmpty();
  if (actual === 'no_stream') detail.setCurrentNoStream(empty());
  else detail.setCurrentStreamRevision(actual.toString());
  if (expected.kind === 'any') detail.setExpectedAny(empty());
  else if (expected.kind === 'no_stream') detail.setExpectedNoStream(empty());
  else if (expected.kind === 'stream_exists') detail.setExpectedStreamExists(empty());
  else detail.setExpectedStreamPosition(expected.revision.toString());
  return packed(
    code.Code.FAILED_PRECONDITION,
    'WrongExpectedVersion',
    detail,
    'event_store.client.WrongExpectedVersion',
  );
}

export function batchStreamDeleted(streamName: string): rpcStatus.Status {
  const detail = new shared.StreamDeleted();
  const identifier = new shared.StreamIdentifier();
  identifier.setStreamName(Buffer.from(streamName, 'utf8'));
  detail.setStreamIdentifier(identifier);
  return packed(
    code.Code.FAILED_PRECONDITION,
    `Event stream '${streamName}' is deleted.`,
    detail,
    'event_store.client.StreamDeleted',
  );
}

export function batchMaximumAppendSizeExceeded(maxAppendSize: number): rpcStatus.Status {
  const detail = new shared.MaximumAppendSizeExceeded();
  detail.setMaxappendsize(maxAppendSize);
  return packed(
    code.Code.INVALID_ARGUMENT,
    `Maximum Append Size of ${maxAppendSize} Exceeded.`,
    detail,
    'event_store.client.MaximumAppendSizeExceeded',
  );
}

export function batchBadRequest(message: string): rpcStatus.Status {
  const detail = new shared.BadRequest();
  detail.setMessage(message);
  return packed(code.Code.INVALID_ARGUMENT, message, detail, 'event_store.client.BadRequest');
}

export function batchTimeout(): rpcStatus.Status {
  return packed(code.Code.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout(), 'event_store.client.Timeout');
}
