import * as iam from 'aws-cdk-lib/aws-iam';
import { fullSparkJob, sparkFixture } from './spark-fixtures';
import { Readable } from '../exact';

describe('LakeTable', () => {
  const f = sparkFixture();
  const { table } = fullSparkJob(f);
  const reader = new iam.Role(f.stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
  table.grantRead(reader);
  const r = Readable.of(f.stack);

  test('defines a Parquet table over its folder, partitioned by event_date, in the lake\'s database, retained', () => {
    expect(r.resources('AWS::Glue::Table')).toEqual({
      'Data/EventsTable': {
        CatalogId: '${AWS::AccountId}',
        DatabaseName: 'lake',
        TableInput: {
          Name: 'churn_events',
          Description: 'Parquet in curated/churn/events/ of the data lake Data/Lake',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { 'classification': 'parquet', 'parquet.compression': 'SNAPPY', 'EXTERNAL': 'TRUE' },
          PartitionKeys: [{ Name: 'event_date', Type: 'date' }],
          StorageDescriptor: {
            Location: 's3://<Data/Lake/curated>/churn/events/',
            Columns: [
              { Name: 'customer_id', Type: 'string' },
              { Name: 'event_type', Type: 'string' },
              { Name: 'event_time', Type: 'timestamp' },
              { Name: 'amount', Type: 'double', Comment: 'purchase amount, 0 otherwise' },
            ],
            Compressed: true,
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          },
        },
      },
    });
    const resource = Object.values<any>(r.template.Resources).find((v) => v.Type === 'AWS::Glue::Table');
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect([table.tableName, table.databaseName, table.partitionKeyNames, f.stack.resolve(table.tableArn)]).toEqual([
      'churn_events', 'lake', ['event_date'], 'arn:aws:glue:us-east-1:123456789012:table/lake/churn_events',
    ]);
  });

  test('grantRead gives the catalog reads on this table and the zone\'s read grant on its folder, nothing else', () => {
    expect(r.rolePolicy('Data/Analyst')).toEqual({
      statements: [
        {
          Action: ['glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
          Effect: 'Allow',
          Resource: ['arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:database/lake', 'arn:aws:glue:us-east-1:123456789012:table/lake/churn_events'],
        },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>/churn/events/*' },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['churn/events/*'] } }, Effect: 'Allow', Resource: '<Data/Lake/curated.Arn>' },
        {
          Action: 'kms:Decrypt', Effect: 'Allow', Resource: '<Data/Lake/Key.Arn>',
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['<Data/Lake/curated.Arn>', '<Data/Lake/curated.Arn>/churn/events/*'] },
          },
        },
      ],
      managedPolicyArns: [],
    });
  });
});
