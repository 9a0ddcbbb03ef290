/**
 * Gossip.Read: a one-node cluster whose leader is this server. Clients only gossip for
 * multi-host or discovery connection strings; `?tls=false` with one host skips it.
 */
import { randomUUID } from 'node:crypto';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { gossip, type shared } from './proto';
import { uuidMessage } from './messages';

export function readGossip(
  endpoint: () => { host: string; port: number },
): handleUnaryCall<shared.Empty, gossip.ClusterInfo> {
  const instanceId = randomUUID();
  return (_call, callback) => {
    const { host, port } = endpoint();
    const httpEndPoint = new gossip.EndPoint();
    httpEndPoint.setAddress(host);
    httpEndPoint.setPort(port);
    const member = new gossip.MemberInfo();
    member.setInstanceId(uuidMessage(instanceId, false));
    member.setTimeStamp((BigInt(Date.now()) * 10_000n).toString());
    member.setState(gossip.MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    member.setHttpEndPoint(httpEndPoint);
    const info = new gossip.ClusterInfo();
    info.setMembersList([member]);
    callback(null, info);
  };
}
