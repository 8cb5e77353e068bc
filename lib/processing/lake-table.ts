import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { CATALOG_READ_ACTIONS } from './spark-perms';
import { IDataLake, ILakeZone } from '../data-lake';
import { normalizePrefix } from '../private/lake-prefix';
import { InputErrors, checkArray, describe, isToken, requireProps } from '../private/validation';

/**
 * A column of a lake table.
 */
export interface LakeTableColumn {
  /** The column's name: 1-255 lowercase letters, digits and underscores (Athena lowercases names). */
  readonly name: string;

  /**
   * The column's Hive type, as Athena reads Parquet: `string`, `int`, `bigint`, `double`, `boolean`, `date`, `timestamp`,
   * `decimal(10,2)`, `array<string>`, `struct<a:int>`...
   */
  readonly dataType: string;

  /**
   * What the column holds.
   *
   * @default - no comment
   */
  readonly comment?: string;
}

/**
 * A Glue table of a lake, defined here (`LakeTable`) or elsewhere.
 */
export interface ILakeTable extends IConstruct {
  /** The table's name. */
  readonly tableName: string;
  /** The name of the table's database. */
  readonly databaseName: string;
  /** The table's ARN. */
  readonly tableArn: string;
  /** Grants reading the table's definition, partitions and data. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Properties of a `LakeTable`.
 */
export interface LakeTableProps {
  /** The lake whose Glue database holds the table. */
  readonly lake: IDataLake;

  /** The zone of the table's data, e.g. `curated`. */
  readonly zone: string;

  /** The folder of the table's data in the zone, e.g. `churn/events/`, under which the partitions are `key=value/` folders. */
  readonly prefix: string;

  /** The table's name: 1-255 lowercase letters, digits and underscores. */
  readonly tableName: string;

  /** The data columns, in order. */
  readonly columns: LakeTableColumn[];

  /**
   * The partition columns, in the order of the folders (`year=2026/month=12/`).
   *
   * @default - not partitioned
   */
  readonly partitionKeys?: LakeTableColumn[];

  /**
   * A description of the table.
   *
   * @default - one naming the zone and folder
   */
  readonly description?: string;
}

/** Hive types of the Glue catalog as Athena reads them (https://docs.aws.amazon.com/athena/latest/ug/data-types.html). */
const HIVE_TYPE = /^(boolean|tinyint|smallint|int|integer|bigint|float|double|string|binary|date|timestamp|decimal(\(\s*\d+\s*,\s*\d+\s*\))?|char\(\d+\)|varchar\(\d+\)|(array|map|struct)<.+>)$/;
const NAME = /^[a-z0-9_]{1,255}$/;

/**
 * A Glue table over Parquet files in a folder of a lake zone, partitioned by Hive-style folders, in the lake's database: Athena
 * queries it through the lake's workgroup. Its partitions are added by the job that writes them (a catalog sink with
 * `enableUpdateCatalog`, see `SparkJob.outputTableName`), or by `MSCK REPAIR TABLE` in Athena.
 *
 * @example
 * new LakeTable(this, 'Events', {
 *   lake, zone: 'curated', prefix: 'churn/events/', tableName: 'churn_events',
 *   columns: [{ name: 'customer_id', dataType: 'string' }, { name: 'amount', dataType: 'double' }],
 *   partitionKeys: [{ name: 'event_date', dataType: 'date' }],
 * });
 */
export class LakeTable extends Construct implements ILakeTable {
  /** The Glue table. */
  public readonly table: glue.CfnTable;
  /** The table's name. */
  public readonly tableName: string;
  /** The name of the table's database. */
  public readonly databaseName: string;
  /** The table's ARN. */
  public readonly tableArn: string;
  /** The zone of the table's data. */
  public readonly zone: ILakeZone;
  /** The folder of the table's data. */
  public readonly prefix: string;
  /** The `s3://` URI of the table's data. */
  public readonly location: string;
  /** The names of the partition columns, in order. */
  public readonly partitionKeyNames: string[];

  constructor(scope: Construct, id: string, props: LakeTableProps) {
    super(scope, id);
    requireProps(this, 'LakeTable', props, {
      lake: 'an IDataLake', zone: "a zone of the lake, e.g. 'curated'", prefix: "a folder of the zone, e.g. 'churn/events/'",
      tableName: "a table name, e.g. 'churn_events'", columns: 'a list of { name, dataType }',
    }, { columns: 'a list of { name, dataType }', partitionKeys: 'a list of { name, dataType }' });
    const { prefix, databaseName } = validate(this, props);
    this.zone = props.lake.zone(props.zone);
    this.prefix = prefix;
    this.location = this.zone.s3Uri(prefix);
    this.databaseName = databaseName;
    this.tableName = props.tableName;
    this.partitionKeyNames = (props.partitionKeys ?? []).map((k) => k.name);
    const column = (c: LakeTableColumn): glue.CfnTable.ColumnProperty => ({ name: c.name, type: c.dataType, comment: c.comment });

    // Parquet as Athena and Glue read it: the Hive Parquet SerDe and formats
    // (https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html).
    this.table = new glue.CfnTable(this, 'Resource', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName,
      tableInput: {
        name: props.tableName,
        description: props.description ?? `Parquet in ${props.zone}/${prefix} of the data lake ${props.lake.node.path}`,
        tableType: 'EXTERNAL_TABLE',
        parameters: { 'classification': 'parquet', 'parquet.compression': 'SNAPPY', 'EXTERNAL': 'TRUE' },
        partitionKeys: (props.partitionKeys ?? []).map(column),
        storageDescriptor: {
          location: this.location,
          columns: props.columns.map(column),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          compressed: true,
        },
      },
    });
    // The definition of data that outlives it (partitions the jobs registered): kept when removed from the stack.
    this.table.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.tableArn = Stack.of(this).formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${props.tableName}` });
  }

  /**
   * Grants reading the table: its definition and partitions in the catalog (catalog, database, table) and its data (the zone's
   * read grant on the table's folder). Querying through Athena also needs the lake's workgroup.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: CATALOG_READ_ACTIONS,
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        this.tableArn,
      ],
    });
    return grant.combine(this.zone.grantRead(grantee, this.prefix));
  }
}

function validate(scope: Construct, props: LakeTableProps): { prefix: string; databaseName: string } {
  const errors = new InputErrors(scope, 'LakeTable');
  const databaseName = props.lake.databaseName;
  if (databaseName === undefined) {
    errors.addMessage('the lake has no Glue database: a LakeTable is defined in the lake\'s database');
  }
  if (!props.lake.zoneNames.includes(props.zone)) {
    errors.add('zone', props.zone, `one of the lake's zones ${describe(props.lake.zoneNames)}`);
  }
  const before = errors.count;
  const prefix = normalizePrefix(errors, 'prefix', props.prefix) ?? '';
  if (errors.count === before && prefix === '') {
    errors.add('prefix', props.prefix, "a folder of the zone, e.g. 'churn/events/' (not the zone's root)");
  }
  if (!isToken(props.tableName) && !NAME.test(props.tableName)) {
    errors.add('tableName', props.tableName, '1-255 lowercase letters, digits and underscores');
  }
  const seen = new Set<string>();
  const check = (list: string, cols: LakeTableColumn[]) => cols.forEach((c, i) => {
    if (typeof c?.name !== 'string' || !NAME.test(c.name)) {
      errors.add(`${list}[${i}].name`, c?.name, '1-255 lowercase letters, digits and underscores');
    } else if (seen.has(c.name)) {
      errors.add(`${list}[${i}].name`, c.name, 'unique across columns and partition keys, but it is listed twice');
    }
    seen.add(c?.name);
    if (typeof c?.dataType !== 'string' || (!isToken(c.dataType) && !HIVE_TYPE.test(c.dataType))) {
      errors.add(`${list}[${i}].dataType`, c?.dataType, "a Hive type such as 'string', 'bigint', 'double', 'date', 'decimal(10,2)' or 'array<string>'");
    }
  });
  if (checkArray(errors, 'columns', props.columns, 'a list of { name, dataType }') && props.columns.length === 0) {
    errors.add('columns', props.columns, 'at least one column');
  }
  check('columns', props.columns ?? []);
  check('partitionKeys', props.partitionKeys ?? []);
  errors.throwIfAny();
  return { prefix, databaseName: databaseName! };
}
