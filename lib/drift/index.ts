export * from './drift-monitor';
export * from './model-quality';
