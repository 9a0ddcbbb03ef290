import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** infra/kafka: the pom that names the Kafka release, its fetched jars (lib/) and run state (run/). */
export const KAFKA_INFRA_DIR = resolve(__dirname, '../../../../infra/kafka');
const LIB_DIR = join(KAFKA_INFRA_DIR, 'lib');
const POM = join(KAFKA_INFRA_DIR, 'pom.xml');
/** Written after a complete fetch, with the version fetched, so a broken fetch is retried. */
const FETCHED_MARKER = join(LIB_DIR, '.fetched');

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`${POM} names no <kafka.version>`);
  return match[1];
}

/**
 * The broker's class path: infra/kafka/lib/*, fetched from Maven Central by `mvn` (Java 17 and
 * Maven 3.8 on PATH) the first time and whenever the pom names another version.
 */
export async function kafkaClassPath(): Promise<string> {
  const version = kafkaVersion();
  const fetched = existsSync(FETCHED_MARKER) ? readFileSync(FETCHED_MARKER, 'utf8').trim() : null;
  if (fetched !== version) {
    try {
      await promisify(execFile)('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const output = (error as { stdout?: Buffer; stderr?: Buffer }).stdout?.toString() ?? String(error);
      throw new Error(`could not fetch Kafka ${version} with Maven (needs mvn and Java 17 on PATH):\n${output}`);
    }
    // Jars of a previous version would shadow the new ones on the class path.
    for (const jar of readdirSync(LIB_DIR))
      if (/^kafka.*-\d/.test(jar) && !jar.includes(`-${version}.jar`)) rmSync(join(LIB_DIR, jar));
    writeFileSync(FETCHED_MARKER, `${version}\n`);
  }
  return `${LIB_DIR}/*`;
}
