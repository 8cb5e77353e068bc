import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CURATE_SCRIPT, FEATURES_SCRIPT, sparkFixture } from './spark-fixtures';
import { GlueVersion, LakeTable, LakeTableProps, SparkJob, SparkJobProps, SparkScript, SparkWorkerType } from '../../lib/processing';

// Bad input fails at synth, naming the construct path, the prop, the value and what is allowed; tokens pass.
const f = sparkFixture();
const scripts = new s3.Bucket(f.stack, 'Scripts');
let n = 0;
function make(props: Partial<SparkJobProps>): () => SparkJob {
  return () => new SparkJob(f.stack, `J${n++}`, {
    lake: f.lake, script: SparkScript.fromAsset(CURATE_SCRIPT),
    input: { zone: 'raw', prefix: 'events/' }, output: { zone: 'curated', prefix: 'events/' }, ...props,
  } as SparkJobProps);
}
const at = (prop: string) => new RegExp(`^SparkJob Data/J\\d+: ${prop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe('workers (at least 2: one driver, one executor)', () => {
  test.each([2, 3, 100])('%d workers are accepted', (w) => expect(make({ numberOfWorkers: w })).not.toThrow());
  test.each([1, 0, -2])('fails with %d workers', (w) => expect(make({ numberOfWorkers: w }))
    .toThrow(new RegExp(`numberOfWorkers must be a whole number >= 2 \\(one driver and at least one executor\\), got ${w}$`)));
  test('fails with a fraction', () => expect(make({ numberOfWorkers: 2.5 })).toThrow(/numberOfWorkers must be a whole number >= 2 .*got 2.5/));
  test('with auto scaling, fails below 2 too', () => expect(make({ numberOfWorkers: 1, autoScaling: true })).toThrow(/numberOfWorkers must be a whole number >= 2/));
  test('a token is not checked', () => {
    const p = new CfnParameter(f.stack, 'Workers', { type: 'Number' });
    expect(make({ numberOfWorkers: p.valueAsNumber })).not.toThrow();
  });
});

describe('worker types (batch Spark only)', () => {
  test.each(['G.1X', 'G.4X', 'G.8X', 'R.2X'])('%s is accepted', (t) => expect(make({ workerType: SparkWorkerType.of(t) })).not.toThrow());
  test('fails with G.025X, a streaming worker', () => expect(make({ workerType: SparkWorkerType.of('G.025X') }))
    .toThrow(/workerType must be a worker type of Glue batch Spark jobs \['G.1X', .*'R.8X'\] \(G.025X is for Glue streaming jobs only\), got 'G.025X'$/));
  test('fails with Z.2X, a Ray worker', () => expect(make({ workerType: SparkWorkerType.of('Z.2X') })).toThrow(/\(Z.2X is for Glue Ray jobs only\), got 'Z.2X'/));
  test('fails with a type that does not exist', () => expect(make({ workerType: SparkWorkerType.of('G.3X') })).toThrow(/\(it is not a Glue worker type\), got 'G.3X'/));
});

describe('Glue versions (Glue 5)', () => {
  test.each([['5.0', GlueVersion.V5_0], ['5.1', GlueVersion.V5_1]])('Glue %s is accepted', (_n, v) => expect(make({ glueVersion: v as GlueVersion })).not.toThrow());
  test.each(['5.2', '6.5', '4.0', '3.0', 'latest'])('fails with %s', (v) => expect(make({ glueVersion: GlueVersion.of(v) }))
    .toThrow(new RegExp(`glueVersion must be a Glue 5 version: \\['5.0', '5.1'\\] \\(Glue 4.0 and earlier log differently, and other versions do not exist\\), got '${v}'$`)));
});

describe('input and output', () => {
  test('the same zone with separate folders is accepted', () => expect(make({ output: { zone: 'raw', prefix: 'events-clean/' } })).not.toThrow());
  test.each([
    ['the same folder', 'raw', 'events/', 'raw', 'events'],
    ['the output inside the input', 'curated', 'churn/', 'curated', 'churn/clean/'],
    ['the input inside the output', 'features', 'churn/train/', 'features', 'churn/'],
  ])('fails with %s', (_l, iz, ip, oz, op) => expect(make({ input: { zone: iz, prefix: ip }, output: { zone: oz, prefix: op } }))
    .toThrow(new RegExp(`: input and output must not overlap: the job would read what it writes, but input is ${iz}/${ip.replace(/\/?$/, '/')} and output is ${oz}/${op.replace(/\/?$/, '/')}`)));
  test('fails with a zone the lake does not have', () => expect(make({ input: { zone: 'bronze', prefix: 'x/' } }))
    .toThrow(/input.zone must be one of the lake's zones \['raw', 'curated', 'features', 'models', 'monitoring'\], got 'bronze'/));
  test('fails with the zone\'s root', () => expect(make({ output: { zone: 'curated', prefix: '' } }))
    .toThrow(/output.prefix must be a folder of the zone, e.g. 'events\/churn\/' \(not the zone's root\), got ''/));
  test('fails with a wildcard', () => expect(make({ input: { zone: 'raw', prefix: 'events/*' } })).toThrow(/input.prefix must be a key prefix such as/));
});

describe('bookmarks need transformation contexts', () => {
  test('a local script with transformation_ctx and job.commit() is accepted', () => expect(make({ bookmarks: true })).not.toThrow());
  test('fails with a local script without transformation_ctx (its text is read)', () => expect(make({ bookmarks: true, script: SparkScript.fromAsset(FEATURES_SCRIPT) }))
    .toThrow(/: bookmarks need a script with transformation contexts, but the script has no a transformation_ctx= on its sources and sinks: Glue would then re-read/));
  test('fails with a script in S3 unless the user asserts it has them', () => {
    const script = SparkScript.fromBucket(scripts, 'jobs/curate.py');
    expect(make({ bookmarks: true, script })).toThrow(/bookmarks need a script whose sources and sinks have a transformation_ctx .* set scriptUsesTransformationContext: true once it does/);
    expect(make({ bookmarks: true, script, scriptUsesTransformationContext: true })).not.toThrow();
  });
  test('fails with concurrent runs', () => expect(make({ bookmarks: true, maxConcurrentRuns: 2 }))
    .toThrow(/maxConcurrentRuns must be 1 with bookmarks \(concurrent runs would read and move the same bookmark\), got 2/));
});

describe('timeouts, retries, concurrency, names, arguments', () => {
  test.each([1, 10080])('a timeout of %d minutes is accepted', (m) => expect(make({ timeout: Duration.minutes(m) })).not.toThrow());
  test.each([[Duration.seconds(30), '30 seconds'], [Duration.minutes(10081), '1 week 1 minute'], [Duration.seconds(90), '1 minute 30 seconds']])(
    'fails with a timeout of %s', (d) => expect(make({ timeout: d as Duration })).toThrow(/timeout must be a whole number of minutes from 1 to 10080/));
  test.each([-1, 11, 0.5])('fails with %d retries', (m) => expect(make({ maxRetries: m })).toThrow(new RegExp(`maxRetries must be a whole number from 0 to 10, got ${m}`)));
  test('fails with no concurrent runs', () => expect(make({ maxConcurrentRuns: 0 })).toThrow(/maxConcurrentRuns must be a whole number >= 1, got 0/));
  test('fails with a bad job name', () => expect(make({ jobName: 'my job' })).toThrow(/jobName must be 1-255 letters, digits, underscores, hyphens and periods, got 'my job'/));
  test('fails with an argument that is not a parameter name', () => expect(make({ arguments: { window: '3' } }))
    .toThrow(/arguments\['window'\] must be a parameter name that starts with '--'/));
  test('fails with an argument the job sets itself', () => expect(make({ arguments: { '--output_path': 's3://elsewhere/' } }))
    .toThrow(/arguments\['--output_path'\] must be a parameter the job does not set itself/));
  test('fails with a bad output table name', () => expect(make({ outputTableName: 'Churn-Events' }))
    .toThrow(/outputTableName must be 1-255 lowercase letters, digits and underscores \(a Glue table name\), got 'Churn-Events'/));
  test('fails with a Spark UI zone the lake does not have', () => expect(make({ sparkUiZone: 'logs' })).toThrow(/sparkUiZone must be one of the lake's zones/));
  test('fails with a script file that does not exist', () => expect(make({ script: SparkScript.fromAsset('/nonexistent/job.py') }))
    .toThrow(/^SparkJob Data\/J\d+: script must be a file of a PySpark script, got '\/nonexistent\/job.py'$/));
  test('collects every problem of one call', () => expect(make({ numberOfWorkers: 1, glueVersion: GlueVersion.of('9.9'), maxRetries: 99 }))
    .toThrow(/^SparkJob Data\/J\d+: 3 problems:\n {2}- glueVersion must be .*\n {2}- numberOfWorkers must be .*\n {2}- maxRetries must be /));
  test('a JavaScript caller without a lake gets the same message', () => expect(() => new SparkJob(f.stack, 'NoLake', { script: SparkScript.fromAsset(CURATE_SCRIPT) } as any))
    .toThrow(/^SparkJob Data\/NoLake: 3 problems:\n {2}- lake must be an IDataLake, got undefined/));
  test('the first problem names the path', () => expect(make({ numberOfWorkers: 1 })).toThrow(at('numberOfWorkers must be')));
});

describe('LakeTable bad input', () => {
  let t = 0;
  const table = (props: Partial<LakeTableProps>) => () => new LakeTable(f.stack, `T${t++}`, {
    lake: f.lake, zone: 'curated', prefix: 'churn/events/', tableName: 'churn_events', columns: [{ name: 'id', dataType: 'string' }], ...props,
  } as LakeTableProps);
  test('a table with partitions is accepted', () => expect(table({ partitionKeys: [{ name: 'event_date', dataType: 'date' }] })).not.toThrow());
  test.each(['decimal(10,2)', 'array<string>', 'struct<a:int,b:string>', 'varchar(20)', 'bigint'])('type %s is accepted', (type) =>
    expect(table({ columns: [{ name: 'x', dataType: type }] })).not.toThrow());
  test('fails with an unknown type', () => expect(table({ columns: [{ name: 'x', dataType: 'text' }] }))
    .toThrow(/^LakeTable Data\/T\d+: columns\[0\].dataType must be a Hive type such as 'string', 'bigint', 'double', 'date', 'decimal\(10,2\)' or 'array<string>', got 'text'$/));
  test('fails with a partition key that is also a column', () => expect(table({ partitionKeys: [{ name: 'id', dataType: 'string' }] }))
    .toThrow(/partitionKeys\[0\].name must be unique across columns and partition keys, but it is listed twice, got 'id'/));
  test('fails with uppercase names', () => expect(table({ tableName: 'Events', columns: [{ name: 'Id', dataType: 'string' }] }))
    .toThrow(/2 problems:\n {2}- tableName must be 1-255 lowercase letters, digits and underscores, got 'Events'\n {2}- columns\[0\].name must be/));
  test('fails without columns', () => expect(table({ columns: [] })).toThrow(/columns must be at least one column, got \[\]/));
  test('fails with the zone\'s root', () => expect(table({ prefix: '' })).toThrow(/prefix must be a folder of the zone/));
});
