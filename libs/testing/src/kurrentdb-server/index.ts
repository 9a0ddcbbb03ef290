export { startKurrentDbTestServer, type KurrentDbTestServer, type KurrentDbTestServerOptions } from './server';
