export * from './database';
export * from './recorded-time';
