import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build:web` puts the historians' page (ADR 0020). */
export const HISTORIAN_PAGE_DIR = join(process.cwd(), 'apps', 'historian-web', 'dist');

/**
 * Serves the historians' page under /app/. The files are public (no personal data in them);
 * every request the page makes carries the historian's own token and is authorized by the API.
 */
export async function serveHistorianPage(app: NestFastifyApplication, root = HISTORIAN_PAGE_DIR): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) return false;
  // The OpenAPI UI registers @fastify/static first: this second instance must not decorate again.
  await app.register(fastifyStatic, {
    root,
    prefix: '/app/',
    decorateReply: false,
    redirect: true,
    index: 'index.html',
  });
  return true;
}
