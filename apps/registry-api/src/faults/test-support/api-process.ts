import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JwtService } from '@nestjs/jwt';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The registry API as production runs it (`npm start`'s entry), in its own process on its own port. */
export class ApiProcess {
  readonly output: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly secret: string,
  ) {
    child.stdout!.on('data', (chunk) => this.output.push(String(chunk)));
    child.stderr!.on('data', (chunk) => this.output.push(String(chunk)));
  }

  static async start(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/registry-api/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REGISTRY_JWT_SECRET: secret,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        EVENT_STORE: 'postgresql',
        KAFKA_BROKERS: '',
        // Eight clients from one address for seconds: the fault, not the rate limit, is under test.
        RATE_LIMIT_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_MINUTE_PER_ADDRESS: '1000000',
        // A short rehearsal before listening (ADR 0115): restarts under test stay quick.
        WARM_UP_REQUESTS: '500',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new ApiProcess(child, `http://127.0.0.1:${port}`, secret);
    await api.waitUntilHealthy(60_000);
    return api;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  token(sub = 'fault-officer'): string {
    return new JwtService({ secret: this.secret }).sign(
      { sub, roles: ['officer'], office: '001' },
      { algorithm: 'HS256', expiresIn: '1h' },
    );
  }

  async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`registry-api exited:\n${this.output.join('')}`);
      const ok = await fetch(`${this.baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`registry-api not healthy within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
