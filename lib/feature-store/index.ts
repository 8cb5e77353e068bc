export * from './feature-group-options';
export * from './feature-group';
export * from './feature-ingestion';
