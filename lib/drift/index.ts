export * from './drift-monitor';
export * from './drift-monitor-options';
export * from './model-quality';
export * from './drift-decision';
export * from './breakage-alarms';
export * from './prediction-drift';
export * from './model-baseline';
