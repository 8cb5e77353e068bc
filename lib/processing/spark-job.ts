import { Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { SparkJobConfig, validateSparkJob } from './private-spark-checks';
import { GlueVersion, SparkScript, SparkWorkerType } from './spark-job-options';
import {
  BOOKMARK_KEY_ACTIONS, CATALOG_PARTITION_ACTIONS, CATALOG_READ_ACTIONS, JOB_RUN_ACTIONS, LOG_GROUP_ACTIONS, LOG_KEY_ACTIONS, LOG_STREAM_ACTIONS,
  METRIC_ACTIONS,
} from './spark-perms';
import { IDataLake, ILakeZone } from '../data-lake';
import { allowCloudWatchLogs } from '../private/kms';
import { acknowledgeInlinePolicy, acknowledgeWildcardResources } from '../private/nag';
import { InputErrors, requireProps } from '../private/validation';

/**
 * A folder of a lake zone that a SparkJob reads or writes.
 */
export interface SparkJobLocation {
  /** The zone, e.g. `raw`. */
  readonly zone: string;

  /** The folder in the zone, e.g. `events/churn/` (normalised to end with `/`; not the zone's root). */
  readonly prefix: string;
}

/**
 * A Glue Spark job that a pipeline can run: defined here (`SparkJob`) or anywhere that gives its name, ARN and timeout.
 */
export interface ISparkJob extends IConstruct {
  /** The job's name. */
  readonly jobName: string;
  /** The job's ARN. */
  readonly jobArn: string;
  /** How long a run may take before Glue stops it. */
  readonly timeout: Duration;
  /** Grants starting runs of the job and reading their state. */
  grantRun(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Properties of a `SparkJob`.
 */
export interface SparkJobProps {
  /** The lake the job reads from and writes to. */
  readonly lake: IDataLake;

  /** The PySpark script: `SparkScript.fromAsset('jobs/curate.py')` or `SparkScript.fromBucket(bucket, key)`. */
  readonly script: SparkScript;

  /** Where the job reads: it may read only under this folder. Passed to the script as `--input_path` (an `s3://` URI). */
  readonly input: SparkJobLocation;

  /**
   * Where the job writes: it may write (and delete current versions, as Spark's commit does) only under this folder. Passed to
   * the script as `--output_path`. Must not overlap the input.
   */
  readonly output: SparkJobLocation;

  /**
   * The Glue version.
   *
   * @default GlueVersion.V5_0
   */
  readonly glueVersion?: GlueVersion;

  /**
   * The worker type.
   *
   * @default SparkWorkerType.G_1X
   */
  readonly workerType?: SparkWorkerType;

  /**
   * The number of workers (one of them the driver): at least 2. With `autoScaling`, the most workers Glue may use.
   *
   * @default 2
   */
  readonly numberOfWorkers?: number;

  /**
   * Let Glue add and remove workers during a run, up to `numberOfWorkers` (`--enable-auto-scaling`).
   *
   * @default false
   */
  readonly autoScaling?: boolean;

  /**
   * Job bookmarks: each run processes only the input that earlier successful runs did not (`--job-bookmark-option
   * job-bookmark-enable`), encrypted client-side with the lake key. A bookmarked script must give every source and sink a
   * `transformation_ctx` and call `job.init()` and `job.commit()`: for a local script this is checked in its text; for a script
   * in S3, assert it with `scriptUsesTransformationContext`.
   *
   * @default false
   */
  readonly bookmarks?: boolean;

  /**
   * The script in S3 gives every source and sink a `transformation_ctx` and calls `job.init()` / `job.commit()`, which bookmarks
   * need: the library cannot read a script in S3 at synth, so the user asserts it. Ignored for a local script, whose text is read.
   *
   * @default false
   */
  readonly scriptUsesTransformationContext?: boolean;

  /**
   * Further job parameters for the script, by name (`--name`). The parameters the job sets itself cannot be overridden.
   *
   * @default - none
   */
  readonly arguments?: { [name: string]: string };

  /**
   * How long a run may take before Glue stops it: 1 minute to 7 days, in whole minutes.
   *
   * @default Duration.hours(2)
   */
  readonly timeout?: Duration;

  /**
   * How many times Glue retries a failed run: 0 to 10. A pipeline that runs the job usually retries instead.
   *
   * @default 0
   */
  readonly maxRetries?: number;

  /**
   * How many runs of the job may run at once: at least 1, and 1 with bookmarks (two runs would read the same bookmark).
   *
   * @default 1
   */
  readonly maxConcurrentRuns?: number;

  /**
   * The job's name: 1-255 letters, digits, `_`, `-` and `.`.
   *
   * @default - CloudFormation generates one
   */
  readonly jobName?: string;

  /**
   * A description of the job.
   *
   * @default - one naming the input and output
   */
  readonly description?: string;

  /**
   * How long the job's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The zone that receives the Spark UI event logs, under `spark-ui/<job>/`.
   *
   * @default 'monitoring' when the lake has it (its objects expire), else the output zone
   */
  readonly sparkUiZone?: string;

  /**
   * The Glue table (in the lake's database) of the output, to which the script adds partitions through a catalog sink
   * (`enableUpdateCatalog=True`, `updateBehavior='LOG'`). Passed to the script as `--output_table`.
   *
   * @default - the job does not add partitions to the catalog
   */
  readonly outputTableName?: string;
}

/**
 * An AWS Glue 5 Spark job (a `glueetl` batch job) that reads one folder of a lake zone and writes another: its own role, which
 * may read only the input folder and write only the output folder; a security configuration that encrypts what it writes to S3,
 * its logs and its bookmarks with the lake key; logs in two retained log groups of its own, named as Glue names them; Spark UI event
 * logs in the lake.
 *
 * The script receives `--input_path`, `--output_path` (`s3://` URIs), `--database_name` (the lake's database) and, when set,
 * `--output_table`, besides `arguments`.
 *
 * @example
 * const curate = new SparkJob(this, 'Curate', {
 *   lake,
 *   script: SparkScript.fromAsset('jobs/curate.py'),
 *   input: { zone: 'raw', prefix: 'events/churn/' },
 *   output: { zone: 'curated', prefix: 'churn/events/' },
 * });
 */
export class SparkJob extends Construct implements ISparkJob {
  /** The Glue job. */
  public readonly job: glue.CfnJob;
  /** The job's name. */
  public readonly jobName: string;
  /** The job's ARN. */
  public readonly jobArn: string;
  /** The role the job runs as. */
  public readonly role: iam.Role;
  /** The security configuration of the job's runs. */
  public readonly securityConfiguration: glue.CfnSecurityConfiguration;
  /** The name of the security configuration. */
  public readonly securityConfigurationName: string;
  /**
   * The log group of the driver's and executors' system logs and the script's Glue logger, named as Glue names it:
   * `/aws-glue/jobs/cdk-mlops/<job>/<security configuration>-role/<role name>/error` (logs encrypted with the lake key), or
   * `/aws-glue/jobs/cdk-mlops/<job>/error` (a lake without a key).
   */
  public readonly errorLogGroup: logs.LogGroup;
  /** The log group of the script's standard output and error: as `errorLogGroup`, ending in `/output`. */
  public readonly outputLogGroup: logs.LogGroup;
  /** The zone the job reads. */
  public readonly inputZone: ILakeZone;
  /** The folder the job reads. */
  public readonly inputPrefix: string;
  /** The zone the job writes. */
  public readonly outputZone: ILakeZone;
  /** The folder the job writes. */
  public readonly outputPrefix: string;
  /** The `s3://` URI of the input folder. */
  public readonly inputUri: string;
  /** The `s3://` URI of the output folder. */
  public readonly outputUri: string;
  /** The `s3://` URI of the Spark UI event logs. */
  public readonly sparkUiUri: string;
  /** Whether runs use job bookmarks. */
  public readonly bookmarks: boolean;
  /** The timeout of a run. */
  public readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: SparkJobProps) {
    super(scope, id);
    requireProps(this, 'SparkJob', props, {
      lake: 'an IDataLake', script: "a SparkScript, e.g. SparkScript.fromAsset('jobs/curate.py')",
      input: "a { zone, prefix } of the lake, e.g. { zone: 'raw', prefix: 'events/' }",
      output: "a { zone, prefix } of the lake, e.g. { zone: 'curated', prefix: 'events/' }",
    });
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `Glue Spark job ${this.node.path}: reads ${props.input.zone}/${props.input.prefix}, writes ${props.output.zone}/${props.output.prefix}`,
    });
    acknowledgeInlinePolicy(this.role);
    const script = props.script.bind(this, this.role);
    const cfg = validateSparkJob(this, props, script.text);
    this.bookmarks = cfg.bookmarks;
    this.timeout = Duration.minutes(cfg.timeoutMinutes);
    this.inputZone = props.lake.zone(cfg.input.zone);
    this.outputZone = props.lake.zone(cfg.output.zone);
    this.inputPrefix = cfg.input.prefix;
    this.outputPrefix = cfg.output.prefix;
    this.inputUri = this.inputZone.s3Uri(this.inputPrefix);
    this.outputUri = this.outputZone.s3Uri(this.outputPrefix);
    const uniqueName = Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
    const sparkUiZone = props.lake.zone(cfg.sparkUiZone);
    const sparkUiPrefix = `spark-ui/${uniqueName}/`;
    this.sparkUiUri = sparkUiZone.s3Uri(sparkUiPrefix);

    const key = props.lake.encryptionKey;
    this.grantData(sparkUiZone, sparkUiPrefix);
    this.securityConfigurationName = Names.uniqueResourceName(this, { maxLength: 255, separator: '-' });
    const logPrefix = `/aws-glue/jobs/cdk-mlops/${uniqueName}`;
    const groupPrefix = this.logGroupPrefix(logPrefix, key !== undefined);
    this.errorLogGroup = this.defineLogGroup('ErrorLogs', `${groupPrefix}/error`, props, key);
    this.outputLogGroup = this.defineLogGroup('OutputLogs', `${groupPrefix}/output`, props, key);
    this.grantCatalog(props, cfg);
    iam.Grant.addToPrincipal({
      grantee: this.role, actions: METRIC_ACTIONS, resourceArns: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
    });
    acknowledgeWildcardResources(this.role.node.findChild('DefaultPolicy'), ['*'], 'cloudwatch:PutMetricData has no resource-level '
      + 'permissions; a condition limits it to the Glue namespace, where the job publishes its metrics');
    if (key && cfg.bookmarks) {
      // Client-side: the job calls KMS itself. Only direct calls (no kms:ViaService), so that S3 cannot use this statement to
      // decrypt objects of zones the job has no grant on.
      iam.Grant.addToPrincipal({
        grantee: this.role, actions: BOOKMARK_KEY_ACTIONS, resourceArns: [key.keyArn], conditions: { Null: { 'kms:ViaService': 'true' } },
      });
    }

    this.securityConfiguration = new glue.CfnSecurityConfiguration(this, 'SecurityConfiguration', {
      name: this.securityConfigurationName,
      encryptionConfiguration: key ? {
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key.keyArn }],
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key.keyArn },
      } : {
        s3Encryptions: [{ s3EncryptionMode: 'SSE-S3' }],
      },
    });
    this.securityConfiguration.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.job = new glue.CfnJob(this, 'Resource', {
      name: props.jobName,
      description: props.description ?? `Spark: ${cfg.input.zone}/${this.inputPrefix} -> ${cfg.output.zone}/${this.outputPrefix} (${this.node.path})`,
      role: this.role.roleArn,
      command: { name: 'glueetl', pythonVersion: '3', scriptLocation: script.s3Uri },
      glueVersion: cfg.glueVersion,
      workerType: cfg.workerType,
      numberOfWorkers: cfg.numberOfWorkers,
      timeout: cfg.timeoutMinutes,
      maxRetries: cfg.maxRetries,
      executionProperty: { maxConcurrentRuns: cfg.maxConcurrentRuns },
      securityConfiguration: this.securityConfiguration.ref,
      defaultArguments: {
        ...cfg.arguments,
        '--job-language': 'python',
        '--input_path': this.inputUri,
        '--output_path': this.outputUri,
        ...(props.lake.databaseName ? { '--database_name': props.lake.databaseName } : {}),
        ...(props.outputTableName ? { '--output_table': props.outputTableName } : {}),
        '--job-bookmark-option': cfg.bookmarks ? 'job-bookmark-enable' : 'job-bookmark-disable',
        '--custom-logGroup-prefix': logPrefix,
        '--enable-metrics': 'true',
        '--enable-observability-metrics': 'true',
        '--enable-spark-ui': 'true',
        '--spark-event-logs-path': this.sparkUiUri,
        ...(cfg.autoScaling ? { '--enable-auto-scaling': 'true' } : {}),
      },
    });
    // Glue checks nothing of the role at CreateJob, but a run started before the policy exists fails: the job waits for it.
    this.job.node.addDependency(this.role);
    this.jobName = this.job.ref;
    this.jobArn = stack.formatArn({ service: 'glue', resource: 'job', resourceName: this.jobName });
  }

  /**
   * Grants starting runs of this job and reading their state (glue:StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun on the job).
   */
  public grantRun(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee, actions: JOB_RUN_ACTIONS, resourceArns: [this.jobArn],
    });
  }

  /** Reading the input folder; writing the output folder (Spark's commit deletes what it replaces) and the Spark UI folder. */
  private grantData(sparkUiZone: ILakeZone, sparkUiPrefix: string): void {
    this.inputZone.grantRead(this.role, this.inputPrefix);
    this.outputZone.grantReadWrite(this.role, this.outputPrefix, { allowDelete: true });
    sparkUiZone.grantWrite(this.role, sparkUiPrefix, { allowDelete: false });
  }

  /**
   * Reading the tables of the lake's database; adding partitions to the output table only.
   */
  private grantCatalog(props: SparkJobProps, cfg: SparkJobConfig): void {
    const db = props.lake.databaseName;
    if (db === undefined) {
      return;
    }
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName?: string) => stack.formatArn({ service: 'glue', resource, resourceName });
    const tables = arn('table', `${db}/*`);
    iam.Grant.addToPrincipal({ grantee: this.role, actions: CATALOG_READ_ACTIONS, resourceArns: [arn('catalog'), arn('database', db), tables] });
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcardResources(policy, [tables], 'The script reads tables of the lake\'s database named at run time: the grant is '
        + 'catalog reads only (Get*, BatchGetPartition), in this one database');
    }
    if (cfg.outputTableName) {
      iam.Grant.addToPrincipal({
        grantee: this.role, actions: CATALOG_PARTITION_ACTIONS,
        resourceArns: [arn('catalog'), arn('database', db), arn('table', `${db}/${cfg.outputTableName}`)],
      });
    }
  }

  /**
   * The prefix of the names of the log groups Glue writes the job's logs to. With CloudWatch encryption in the security
   * configuration (a lake with a key), Glue 5 names them `<--custom-logGroup-prefix>/<security configuration>-role/<role name>/error`
   * and `/output`; without it, `<prefix>/error` and `/output` ("Logging for AWS Glue jobs",
   * https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html). The role's name is CloudFormation's, a token.
   */
  private logGroupPrefix(prefix: string, encrypted: boolean): string {
    if (!encrypted) {
      return prefix;
    }
    const groupPrefix = `${prefix}/${this.securityConfigurationName}-role/${this.role.roleName}`;
    // Log group names: at most 512 characters (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html);
    // the role's name, generated by CloudFormation, has at most 64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
    const longest = `${prefix}/${this.securityConfigurationName}-role/`.length + MAX_ROLE_NAME + '/output'.length;
    if (longest > MAX_LOG_GROUP_NAME) {
      const errors = new InputErrors(this, 'SparkJob');
      errors.addMessage(`the construct path is too long: Glue would write the job's logs to a log group named ${prefix}/`
        + `${this.securityConfigurationName}-role/<role name>/output, of up to ${longest} characters, but CloudWatch Logs allows at most `
        + `${MAX_LOG_GROUP_NAME}; give the job or its scopes shorter construct ids`);
      errors.throwIfAny();
    }
    return groupPrefix;
  }

  /**
   * A retained log group of the job, named as Glue names it, encrypted with the lake key (whose policy then lets CloudWatch Logs
   * use it); the role may create it (before CloudFormation does, never: the role's policy waits for the group) and write its
   * streams, and, with the key, associate the key with it.
   */
  private defineLogGroup(id: string, name: string, props: SparkJobProps, key: kms.IKey | undefined): logs.LogGroup {
    if (key) {
      const added = key.addToResourcePolicy(allowCloudWatchLogs(Stack.of(key)), true);
      if (!added.statementAdded) {
        Annotations.of(this).addWarningV2('cdk-mlops:spark-job-log-key', 'The lake key is imported: its key policy must let '
          + `logs.${Stack.of(this).region}.amazonaws.com use it for this account's log groups, or the job's log groups cannot be defined`);
      }
    }
    const group = new logs.LogGroup(this, id, {
      logGroupName: name,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    const groupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const streams = `${groupArn}:log-stream:*`;
    iam.Grant.addToPrincipal({ grantee: this.role, actions: LOG_STREAM_ACTIONS, resourceArns: [streams] });
    iam.Grant.addToPrincipal({ grantee: this.role, actions: [...LOG_GROUP_ACTIONS, ...(key ? LOG_KEY_ACTIONS : [])], resourceArns: [groupArn] });
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      // The group exists before the role may create it: Glue cannot create it first and make CloudFormation's creation fail.
      policy.node.addDependency(group);
      acknowledgeWildcardResources(policy, [streams], 'Glue names a log stream per run and per driver or executor at run time: the grant '
        + 'is CreateLogStream and PutLogEvents in this one log group of the job');
    }
    return group;
  }
}

/** CreateLogGroup: names of 1-512 characters. */
const MAX_LOG_GROUP_NAME = 512;
/** CreateRole: names of 1-64 characters. */
const MAX_ROLE_NAME = 64;
