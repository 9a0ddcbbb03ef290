import type { GroupCoordinator } from './group-coordinator';
import type { Decoder, Encoder } from './protocol';
import type { TopicStore } from './topic-store';

/** This broker as it advertises itself: the only node, leader of every partition, controller, coordinator. */
export interface BrokerNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
}

export interface BrokerState {
  readonly node: BrokerNode;
  readonly topics: TopicStore;
  readonly groups: GroupCoordinator;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  /** True once stop() began: long polls answer at once. */
  readonly stopping: boolean;
  nextProducerId(): bigint;
  warn(message: string): void;
}

export interface RequestContext {
  readonly broker: BrokerState;
  readonly apiVersion: number;
  readonly clientId: string;
  readonly clientHost: string;
}

export interface Api {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Reads the request body and returns the response body; null sends no response (Produce with acks=0). */
  handle(request: Decoder, context: RequestContext): Encoder | null | Promise<Encoder | null>;
}
