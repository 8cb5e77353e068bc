export * from './drift-monitor';
