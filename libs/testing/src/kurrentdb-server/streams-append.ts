/**
 * Streams.Append (classic, client-streaming: an options header then one message per event) and
 * Streams.BatchAppend (one long-lived bidi stream carrying many appends, keyed by correlation
 * id). The client picks BatchAppend only when ServerFeatures advertises it.
 */
import type { handleBidiStreamingCall, handleClientStreamingCall } from '@grpc/grpc-js';
import * as errors from './errors';
import type { AppendOutcome, ExpectedState, InMemoryLog, ProposedEvent } from './log';
import { expectedState, streamIdentifier, streamNameOf, uuidText } from './messages';
import { GoogleEmpty, shared, streams } from './proto';

export interface AppendContext {
  readonly log: InMemoryLog;
  /** The server's MaxAppendSize: total serialized size of one append's events. */
  readonly maxAppendSize: number;
}

type Proposed = streams.AppendReq.ProposedMessage | streams.BatchAppendReq.ProposedMessage;

/** Validates one proposed message the way the server does; returns the error to send instead. */
function toEvent(message: Proposed): ProposedEvent | errors.GrpcError {
  const metadata = message.getMetadataMap();
  const missing = ['type', 'content-type'].filter((key) => !metadata.has(key));
  if (missing.length > 0) return errors.missingRequiredMetadata(missing);
  const eventId = uuidText(message.getId());
  if (!eventId) return errors.invalidArgument('Event id must be a valid UUID.');
  return {
    eventId,
    type: metadata.get('type')!,
    contentType: metadata.get('content-type')!,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

export function append(context: AppendContext): handleClientStreamingCall<streams.AppendReq, streams.AppendResp> {
  return (call, callback) => {
    let options: streams.AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let failure: errors.GrpcError | undefined;

    call.on('data', (request: streams.AppendReq) => {
      if (failure) return;
      if (request.hasOptions()) {
        options = request.getOptions();
        return;
      }
      const message = request.getProposedMessage();
      if (!message) return;
      size += message.serializeBinary().length;
      const event =
        size > context.maxAppendSize ? errors.maximumAppendSizeExceeded(context.maxAppendSize) : toEvent(message);
      if (event instanceof Error) failure = event;
      else events.push(event);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (failure) return callback(failure);
      if (!options) return callback(errors.invalidArgument('The first message must carry the append options.'));
      const streamName = streamNameOf(options.getStreamIdentifier());
      const expected = expectedState(options, () => (options!.hasRevision() ? options!.getRevision() : undefined));
      const outcome = context.log.append(streamName, expected, events);
      if (outcome.kind === 'stream_deleted') return callback(errors.streamDeleted(streamName));
      callback(null, appendResponse(outcome, expected));
    });
  };
}

function appendResponse(
  outcome: Exclude<AppendOutcome, { kind: 'stream_deleted' }>,
  expected: ExpectedState,
): streams.AppendResp {
  const response = new streams.AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    // Since 21.10 a wrong expected version is a normal response, not an error status.
    const wrong = new streams.AppendResp.WrongExpectedVersion();
    if (outcome.current === 'no_stream') wrong.setCurrentNoStream(new shared.Empty());
    else wrong.setCurrentRevision(outcome.current.toString());
    if (expected.kind === 'any') wrong.setExpectedAny(new shared.Empty());
    else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new shared.Empty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new shared.Empty());
    else wrong.setExpectedRevision(expected.revision.toString());
    return response.setWrongExpectedVersion(wrong);
  }
  const success = new streams.AppendResp.Success();
  if (outcome.revision < 0n) success.setNoStream(new shared.Empty());
  else success.setCurrentRevision(outcome.revision.toString());
  const position = new streams.AppendResp.Position();
  position.setCommitPosition(outcome.position.commit.toString());
  position.setPreparePosition(outcome.position.prepare.toString());
  success.setPosition(position);
  return response.setSuccess(success);
}

interface PendingBatch {
  options?: streams.BatchAppendReq.Options;
  readonly events: ProposedEvent[];
  size: number;
  failure?: errors.GrpcError;
}

export function batchAppend(
  context: AppendContext,
): handleBidiStreamingCall<streams.BatchAppendReq, streams.BatchAppendResp> {
  return (call) => {
    // A large append arrives in several requests sharing a correlation id; the last is final.
    const pending = new Map<string, PendingBatch>();

    call.on('data', (request: streams.BatchAppendReq) => {
      const correlationId = request.getCorrelationId();
      const key = uuidText(correlationId) ?? '';
      let batch = pending.get(key);
      if (!batch) {
        batch = { events: [], size: 0 };
        pending.set(key, batch);
      }
      if (request.hasOptions()) batch.options = request.getOptions();
      for (const message of request.getProposedMessagesList()) {
        if (batch.failure) break;
        batch.size += message.serializeBinary().length;
        const event =
          batch.size > context.maxAppendSize
            ? errors.maximumAppendSizeExceeded(context.maxAppendSize)
            : toEvent(message);
        if (event instanceof Error) batch.failure = event;
        else batch.events.push(event);
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      call.write(batchResponse(context, correlationId, batch));
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };
}

function batchResponse(
  context: AppendContext,
  correlationId: shared.UUID | undefined,
  batch: PendingBatch,
): streams.BatchAppendResp {
  const response = new streams.BatchAppendResp();
  response.setCorrelationId(correlationId);
  const options = batch.options;
  if (!options)
    return response.setError(errors.batchBadRequest('The first request of an append must carry its options.'));
  const streamName = streamNameOf(options.getStreamIdentifier());
  response.setStreamIdentifier(streamIdentifier(streamName));
  const expected = expectedState(options, () =>
    options.hasStreamPosition() ? options.getStreamPosition() : undefined,
  );
  if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') response.setNoStream(new GoogleEmpty());
  else if (expected.kind === 'stream_exists') response.setStreamExists(new GoogleEmpty());
  else response.setAny(new GoogleEmpty());

  if (batch.failure) {
    const trailers = batch.failure.metadata?.getMap() ?? {};
    return response.setError(
      trailers.exception === 'maximum-append-size-exceeded'
        ? errors.batchMaximumAppendSizeExceeded(context.maxAppendSize)
        : errors.batchBadRequest(batch.failure.details ?? 'Bad request'),
    );
  }
  const deadline = options.getDeadline21100();
  if (deadline && deadline.toDate().getTime() < Date.now()) return response.setError(errors.batchTimeout());

  const outcome = context.log.append(streamName, expected, batch.events);
  if (outcome.kind === 'stream_deleted') return response.setError(errors.batchStreamDeleted(streamName));
  if (outcome.kind === 'wrong_expected_version')
    return response.setError(errors.batchWrongExpectedVersion(expected, outcome.current));
  const success = new streams.BatchAppendResp.Success();
  if (outcome.revision < 0n) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(outcome.revision.toString());
  const position = new shared.AllStreamPosition();
  position.setCommitPosition(outcome.position.commit.toString());
  position.setPreparePosition(outcome.position.prepare.toString());
  success.setPosition(position);
  return response.setSuccess(success);
}
