export * from './database';
export * from './recorded-time';
export * from './until';
export * from './app-process';
