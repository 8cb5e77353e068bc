export * from './data-lake';
export * from './training';
export * from './serving';
export * from './monitoring';
export * from './drift';
export * from './experiments';
export * from './processing';
export * from './api';
