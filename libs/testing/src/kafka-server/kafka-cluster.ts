import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { formatNode, launchNode, serverLogTail, type BrokerSettings, type KafkaNodeSpec } from './kafka-node';
import { KAFKA_INFRA_DIR, kafkaClassPath, kafkaVersion } from './kafka-runtime';
import { ownerIsGone, removeStaleRuns } from './stale-runs';

export interface KafkaClusterOptions extends BrokerSettings {
  /** Combined controller + broker JVMs: 1 (tests, development) or 3 (fault tests). */
  readonly nodes?: number;
  /** Broker port of the first node; the others and the controller ports are free ones. Default: free. */
  readonly port?: number;
  /** Names the run directory under infra/kafka/run. */
  readonly name?: string;
  /** Full JIT (benchmarks); tests start faster with C1 only. */
  readonly fullJit?: boolean;
  /** Most time to wait until every broker answers. */
  readonly startTimeoutMs?: number;
}

/** One JVM of the cluster; it can be killed and started again on its data (fault tests). */
export class KafkaNode {
  private process: ChildProcess | null = null;

  constructor(
    readonly spec: KafkaNodeSpec,
    private readonly classPath: string,
    private readonly fullJit = false,
  ) {}

  get broker(): string {
    return `127.0.0.1:${this.spec.port}`;
  }

  /** The JVM's process id while it runs (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.running ? this.process!.pid : undefined;
  }

  get running(): boolean {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`Kafka node ${this.spec.id} already runs`);
    this.process = launchNode(this.classPath, this.spec, this.fullJit);
  }

  /** SIGKILL: no controlled shutdown, no flush; the node recovers its log on the next start. */
  kill(): Promise<void> {
    return this.signal('SIGKILL', 10_000);
  }

  /** SIGTERM: controlled shutdown; SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    await this.signal('SIGTERM', timeoutMs);
    if (this.running) await this.kill();
  }

  /** Synchronous last resort when the owning process exits. */
  killNow(): void {
    if (this.running) this.process!.kill('SIGKILL');
  }

  exitDescription(): string | null {
    if (this.running || !this.process) return null;
    return `exited with ${this.process.exitCode ?? this.process.signalCode}`;
  }

  logTail(): string {
    return serverLogTail(this.spec);
  }

  private signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.process;
    if (!child || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}

export interface KafkaCluster {
  readonly version: string;
  readonly brokers: string[];
  readonly nodes: KafkaNode[];
  readonly runDir: string;
  /** Waits until every running node is a broker of the cluster (after a restart, for instance). */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops every node cleanly and deletes the run directory. */
  stop(): Promise<void>;
}

/**
 * Starts a real Apache Kafka cluster in KRaft mode from the jars infra/kafka/pom.xml names
 * (fetched with Maven on first use): formats fresh storage, starts the JVMs and waits until
 * every broker answers. Runs left behind by a killed owner are cleaned up first.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const size = options.nodes ?? 1;
  const root = join(KAFKA_INFRA_DIR, 'run');
  await removeStaleRuns(root, ownerIsGone);
  const classPath = await kafkaClassPath();
  const runDir = join(root, `${options.name ?? 'kafka'}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'owner'), `${process.pid}\n`);

  const ports = await freePorts(size * 2);
  const specs: KafkaNodeSpec[] = Array.from({ length: size }, (_, i) => ({
    id: i + 1,
    port: i === 0 && options.port ? options.port : ports[i],
    controllerPort: ports[size + i],
    dir: join(runDir, `node-${i + 1}`),
  }));
  // Like Kafka's own ids: 16 random bytes in URL-safe base64, never starting with '-' (an option to a CLI).
  const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
  try {
    await Promise.all(specs.map((spec) => formatNode(classPath, clusterId, spec, specs, options)));
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  const nodes = specs.map((spec) => new KafkaNode(spec, classPath, options.fullJit));
  const killAll = () => nodes.forEach((node) => node.killNow());
  process.once('exit', killAll);
  for (const node of nodes) node.start();

  const cluster: KafkaCluster = {
    version: kafkaVersion(),
    brokers: nodes.map((node) => node.broker),
    nodes,
    runDir,
    ready: (timeoutMs = options.startTimeoutMs ?? 120_000) => waitUntilReady(nodes, timeoutMs),
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
      process.removeListener('exit', killAll);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.ready();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

async function waitUntilReady(nodes: readonly KafkaNode[], timeoutMs: number): Promise<void> {
  const running = nodes.filter((node) => node.running);
  const admin = new Kafka({
    clientId: 'kafka-cluster-fixture',
    brokers: running.map((node) => node.broker),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1_000,
  }).admin();
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  try {
    for (;;) {
      const exited = nodes.find((node) => node.exitDescription() !== null && running.includes(node));
      if (exited) throw new Error(`Kafka node ${exited.spec.id} ${exited.exitDescription()}:\n${exited.logTail()}`);
      try {
        await admin.connect();
        const { brokers, controller } = await admin.describeCluster();
        const allIn = running.every((n) => brokers.some((b) => b.nodeId === n.spec.id));
        last = `brokers ${brokers.map((b) => b.nodeId).join(',')}, controller ${controller}`;
        // A group lookup creates and loads the offsets topic, so the first consumer group of a
        // test does not crash on "coordinator is loading".
        if (allIn && controller !== null && controller >= 0) {
          // kafkajs answers the group's error code at run time without typing it.
          const [group] = (await admin.describeGroups(['kafka-cluster-fixture'])).groups as { errorCode?: number }[];
          if (!group.errorCode) return;
          last = `group coordinator answers error ${group.errorCode}`;
        }
      } catch (error) {
        last = (error as Error).message;
        await admin.disconnect();
      }
      if (Date.now() > deadline)
        throw new Error(`Kafka did not answer within ${timeoutMs} ms (${last}):\n${running[0]?.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Ports free right now (the OS picks them); the JVMs bind them moments later. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
