export * from './ab-experiment';
export * from './variant-assignment';
