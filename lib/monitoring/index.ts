export * from './alarm-tuning';
export * from './alert-topics';
export * from './endpoint-alarms';
export * from './endpoint-dashboard';
export * from './training-alarms';
export * from './handler-options';
