import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './api-process';

/**
 * A PostgreSQL cluster of its own (initdb in a temporary directory, its own port), so a test or
 * script may restart the server without touching the shared one. Run as root, the server runs as
 * the `postgres` user (PostgreSQL refuses to run as root).
 */
export class OwnCluster {
  private constructor(
    readonly directory: string,
    readonly port: number,
    private readonly bin: string,
    private readonly settings: Readonly<Record<string, string>>,
  ) {}

  /** `settings`: server parameters beyond the defaults (`-c name=value`). */
  static async create(settings: Readonly<Record<string, string>> = {}): Promise<OwnCluster> {
    const bin = process.env.PG_BINDIR ?? execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    const directory = mkdtempSync(join(tmpdir(), 'registry-cluster-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      chownSync(directory, uid, gid);
    }
    const cluster = new OwnCluster(directory, await freePort(), bin, settings);
    cluster.run('initdb', ['-D', cluster.dataDirectory, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    cluster.pgCtl('start');
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/registry`;
  }

  private get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  /** `pg_ctl restart`: every connection ends; new ones are refused until the server is back. */
  restart(mode: 'fast' | 'immediate' = 'fast'): void {
    this.pgCtl('restart', ['-m', mode]);
  }

  stop(): void {
    try {
      this.pgCtl('stop', ['-m', 'immediate']);
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private pgCtl(action: string, extra: string[] = []): void {
    const settings = Object.entries(this.settings).map(([name, value]) => ` -c ${name}=${value}`);
    const options = `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off${settings.join('')}`;
    this.run('pg_ctl', [
      action,
      '-D',
      this.dataDirectory,
      '-w',
      '-l',
      join(this.directory, 'server.log'),
      '-o',
      options,
      ...extra,
    ]);
  }

  private run(program: string, args: string[]): void {
    const path = join(this.bin, program);
    const [command, commandArgs] =
      process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    execFileSync(command, commandArgs, { stdio: 'pipe' });
  }
}
