export * from './data-lake';
export * from './training';
