/** Streams.Delete (soft delete) and Streams.Tombstone (hard delete), both unary. */
import type { handleUnaryCall } from '@grpc/grpc-js';
import * as errors from './errors';
import type { DeleteOutcome, InMemoryLog } from './log';
import { expectedState, streamNameOf } from './messages';
import { streams } from './proto';

type DeleteOptions = streams.DeleteReq.Options | streams.TombstoneReq.Options;

function run(
  log: InMemoryLog,
  options: DeleteOptions | undefined,
  operation: 'delete' | 'tombstone',
): { outcome: DeleteOutcome; streamName: string } | errors.GrpcError {
  if (!options) return errors.invalidArgument('Options are required.');
  const streamName = streamNameOf(options.getStreamIdentifier());
  const expected = expectedState(options, () => (options.hasRevision() ? options.getRevision() : undefined));
  const outcome = operation === 'delete' ? log.delete(streamName, expected) : log.tombstone(streamName, expected);
  if (outcome.kind === 'stream_deleted') return errors.streamDeleted(streamName);
  if (outcome.kind === 'wrong_expected_version') {
    return errors.wrongExpectedVersion(streamName, errors.expectedVersionNumber(expected), outcome.current);
  }
  return { outcome, streamName };
}

export function deleteStream(log: InMemoryLog): handleUnaryCall<streams.DeleteReq, streams.DeleteResp> {
  return (call, callback) => {
    const result = run(log, call.request.getOptions(), 'delete');
    if (result instanceof Error) return callback(result);
    const position = new streams.DeleteResp.Position();
    if (result.outcome.kind === 'deleted') {
      position.setCommitPosition(result.outcome.position.commit.toString());
      position.setPreparePosition(result.outcome.position.prepare.toString());
    }
    callback(null, new streams.DeleteResp().setPosition(position));
  };
}

export function tombstoneStream(log: InMemoryLog): handleUnaryCall<streams.TombstoneReq, streams.TombstoneResp> {
  return (call, callback) => {
    const result = run(log, call.request.getOptions(), 'tombstone');
    if (result instanceof Error) return callback(result);
    const position = new streams.TombstoneResp.Position();
    if (result.outcome.kind === 'deleted') {
      position.setCommitPosition(result.outcome.position.commit.toString());
      position.setPreparePosition(result.outcome.position.prepare.toString());
    }
    callback(null, new streams.TombstoneResp().setPosition(position));
  };
}
