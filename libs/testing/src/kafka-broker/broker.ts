import { createServer, type Server, type Socket } from 'node:net';
import { apis } from './apis';
import { ClientConnection } from './connection';
import type { BrokerNode, BrokerState } from './context';
import { GroupCoordinator } from './group-coordinator';
import type { StoredRecord } from './record-batch';
import { isValidTopicName, TopicStore } from './topic-store';

export interface KafkaTestBrokerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Host name put in metadata for clients to connect to; default `host` (127.0.0.1 for wildcard hosts). */
  readonly advertisedHost?: string;
  /** Partitions of topics created without a partition count (or auto-created); default 3. */
  readonly defaultPartitions?: number;
  /** Create unknown topics on a metadata request, like auto.create.topics.enable; default false. */
  readonly autoCreateTopics?: boolean;
  /** Where to report protocol problems (unsupported requests, handler failures); default console.warn. */
  readonly warn?: (message: string) => void;
}

export interface TestBrokerRecord extends StoredRecord {
  readonly partition: number;
}

export interface KafkaTestBroker {
  readonly host: string;
  readonly port: number;
  /** Ready for `new Kafka({ brokers })`. */
  readonly brokers: string[];
  topics(): string[];
  /** Creates a topic directly, without a client. */
  createTopic(name: string, partitions?: number): void;
  /** Every stored record of a topic (or one partition), decoded, in partition then offset order. */
  records(topic: string, partition?: number): Promise<TestBrokerRecord[]>;
  /** Next offset of each partition of a topic (the high watermark). */
  endOffsets(topic: string): number[];
  /** Closes every connection and the listening socket; waiting requests are abandoned. */
  stop(): Promise<void>;
}

class Broker implements BrokerState {
  readonly topics = new TopicStore();
  readonly groups = new GroupCoordinator(this.topics);
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  node: BrokerNode = { nodeId: 0, host: '', port: 0, clusterId: 'kafka-test-broker' };
  stopping = false;
  private producerIds = 0n;
  private readonly connections = new Set<ClientConnection>();
  private readonly server: Server;

  constructor(private readonly options: KafkaTestBrokerOptions) {
    this.autoCreateTopics = options.autoCreateTopics ?? false;
    this.defaultPartitions = options.defaultPartitions ?? 3;
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('kafka test broker: no TCP address');
    const wildcard = host === '0.0.0.0' || host === '::';
    this.node = {
      ...this.node,
      host: this.options.advertisedHost ?? (wildcard ? '127.0.0.1' : host),
      port: address.port,
    };
  }

  nextProducerId(): bigint {
    return ++this.producerIds;
  }

  warn(message: string): void {
    (this.options.warn ?? console.warn)(`[kafka-test-broker] ${message}`);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.groups.close();
    this.topics.wakeAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const connection = new ClientConnection(socket, this, apis);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}

/** Starts an in-process broker speaking the Kafka protocol, for tests with the real kafkajs client. */
export async function startKafkaTestBroker(options: KafkaTestBrokerOptions = {}): Promise<KafkaTestBroker> {
  const defaultPartitions = options.defaultPartitions ?? 3;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  const broker = new Broker(options);
  try {
    await broker.listen();
  } catch (error) {
    await broker.stop(); // releases the group expiry timer
    throw error;
  }
  const { host, port } = broker.node;
  const store = broker.topics;
  return {
    host,
    port,
    brokers: [`${host}:${port}`],
    topics: () => store.names(),
    createTopic(name, partitions = broker.defaultPartitions) {
      if (!isValidTopicName(name)) throw new Error(`invalid topic name '${name}'`);
      if (store.get(name)) throw new Error(`topic '${name}' already exists`);
      if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`invalid partition count ${partitions}`);
      store.create(name, partitions);
    },
    async records(topic, partition) {
      const records: TestBrokerRecord[] = [];
      for (const [index, log] of (store.get(topic)?.partitions ?? []).entries()) {
        if (partition !== undefined && index !== partition) continue;
        for (const record of await log.records()) records.push({ ...record, partition: index });
      }
      return records;
    },
    endOffsets: (topic) => (store.get(topic)?.partitions ?? []).map((log) => log.endOffset),
    stop: () => broker.stop(),
  };
}
