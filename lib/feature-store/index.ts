export * from './feature-group-options';
export * from './feature-group';
