export * from './ingestion';
export * from './ingestion-options';
export * from './spark-job-options';
export * from './spark-job';
export * from './lake-table';
export * from './data-pipeline';
