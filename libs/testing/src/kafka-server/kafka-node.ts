import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where one node listens and keeps its files. */
export interface KafkaNodeSpec {
  readonly id: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

/** Test settings: the JVM stays small (two cores, several JVMs on one machine). */
const JVM_OPTIONS = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-XX:-UsePerfData',
  '-Djava.awt.headless=true',
  // The broker logs through slf4j-simple to stderr, kept in the node's server.log.
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
];

/** What a cluster may set differently from the test defaults. */
export interface BrokerSettings {
  /** `log.segment.bytes`: 1 MiB for tests (small segments); benchmarks use Kafka's default, 1 GiB. */
  readonly segmentBytes?: number;
}

/**
 * server.properties of a combined controller + broker node. Settings for tests: no initial
 * rebalance delay, small segments, no auto-created topics (the relay creates its own),
 * replication and min.insync.replicas sized to the cluster.
 */
export function nodeProperties(
  node: KafkaNodeSpec,
  all: readonly KafkaNodeSpec[],
  settings: BrokerSettings = {},
): string {
  const size = all.length;
  const minInSync = size >= 3 ? 2 : 1;
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(node.dir, 'data')}`,
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=3',
    `default.replication.factor=${size}`,
    `min.insync.replicas=${minInSync}`,
    `offsets.topic.replication.factor=${size}`,
    'offsets.topic.num.partitions=3',
    `transaction.state.log.replication.factor=${size}`,
    `transaction.state.log.min.isr=${minInSync}`,
    'transaction.state.log.num.partitions=3',
    `share.coordinator.state.topic.replication.factor=${size}`,
    `share.coordinator.state.topic.min.isr=${minInSync}`,
    `log.segment.bytes=${settings.segmentBytes ?? 1_048_576}`,
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    '',
  ].join('\n');
}

export function propertiesFile(node: KafkaNodeSpec): string {
  return join(node.dir, 'server.properties');
}

export function pidFile(node: KafkaNodeSpec): string {
  return join(node.dir, 'pid');
}

/** C1 only: the JVM starts in about half the time; tests move little data (benchmarks want full JIT). */
const FAST_START = ['-XX:TieredStopAtLevel=1'];

/** Runs a JVM to its end (storage format); rejects with its output when it fails. */
export function runJava(classPath: string, args: readonly string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(logFile, 'a');
    const child = spawn('java', [...JVM_OPTIONS, ...FAST_START, '-cp', classPath, ...args], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`java ${args[0]} exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`)),
    );
  });
}

/** Writes the node's configuration and formats its KRaft storage (once; a restart keeps its data). */
export async function formatNode(
  classPath: string,
  clusterId: string,
  node: KafkaNodeSpec,
  all: readonly KafkaNodeSpec[],
  settings: BrokerSettings = {},
): Promise<void> {
  mkdirSync(node.dir, { recursive: true });
  writeFileSync(propertiesFile(node), nodeProperties(node, all, settings));
  await runJava(
    classPath,
    ['kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '--config', propertiesFile(node)],
    join(node.dir, 'format.log'),
  );
}

/** Starts the node's JVM; its pid goes to a file so a later start can clean up after a SIGKILLed run. */
export function launchNode(classPath: string, node: KafkaNodeSpec, fullJit = false): ChildProcess {
  const log = openSync(join(node.dir, 'server.log'), 'a');
  const jvm = fullJit ? JVM_OPTIONS : [...JVM_OPTIONS, ...FAST_START];
  const child = spawn('java', [...jvm, '-cp', classPath, 'kafka.Kafka', propertiesFile(node)], {
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid !== undefined) writeFileSync(pidFile(node), `${child.pid}\n`);
  return child;
}

export function serverLogTail(node: KafkaNodeSpec): string {
  try {
    return readFileSync(join(node.dir, 'server.log'), 'utf8').slice(-4000);
  } catch {
    return '(no server.log)';
  }
}
