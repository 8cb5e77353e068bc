/*
 * What the role of a `SparkJob` may do beyond its zone grants, in one place. Sources:
 * - the Glue Data Catalog: reading a table (GetDatabase, GetTable, GetTables, GetPartition, GetPartitions, BatchGetPartition) and
 *   adding partitions to a table (BatchCreatePartition, CreatePartition) need the catalog, the database and the table in the
 *   resource: https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html
 * - logs: a job's driver and executors create their log streams and put events in the groups named by `--custom-logGroup-prefix`,
 *   with CloudWatch encryption in the security configuration `<prefix>/<security configuration>-role/<role name>/error|output`; with
 *   that encryption the role also needs logs:AssociateKmsKey, "or continuous logging will be disabled"
 *   (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html), on the log group
 *   (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html). Glue's service role policy also
 *   lets it create its log groups (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSGlueServiceRole.html): granted on
 *   the job's two groups only, which exist before the grant does.
 * - job bookmarks encrypted client-side (CSE-KMS) are encrypted and decrypted by the job with the key itself, not through S3
 *   (same page).
 * - job metrics: cloudwatch:PutMetricData in the `Glue` namespace (https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html).
 */

/** Reading tables of the catalog. */
export const CATALOG_READ_ACTIONS = [
  'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition',
];

/** Adding partitions to the output table (a catalog sink with `enableUpdateCatalog` and `updateBehavior: 'LOG'`). */
export const CATALOG_PARTITION_ACTIONS = ['glue:BatchCreatePartition', 'glue:CreatePartition'];

/** Writing the job's log streams. */
export const LOG_STREAM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** Creating the job's log groups, should they not exist. */
export const LOG_GROUP_ACTIONS = ['logs:CreateLogGroup'];

/** Associating the security configuration's key with the job's log groups (CloudWatch encryption). */
export const LOG_KEY_ACTIONS = ['logs:AssociateKmsKey'];

/** Encrypting and decrypting job bookmarks client-side (CSE-KMS) with the lake key. */
export const BOOKMARK_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];

/** Job metrics (no resource-level permissions: limited to the Glue namespace). */
export const METRIC_ACTIONS = ['cloudwatch:PutMetricData'];

/**
 * What a `DataPipeline`'s state machine role may do. Sources:
 * - the `.sync` Glue integration: glue:StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html);
 * - Glue Data Quality: StartDataQualityRulesetEvaluationRun and GetDataQualityResult on the ruleset; GetDataQualityRulesetEvaluationRun
 *   (the request names only the run) on the account's rulesets; iam:PassRole of the evaluation role to Glue
 *   (https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html);
 * - the overlap guard: states:ListExecutions on the state machine
 *   (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
 */
export const JOB_RUN_ACTIONS = ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'];
export const DQ_START_ACTIONS = ['glue:StartDataQualityRulesetEvaluationRun', 'glue:GetDataQualityResult'];
export const DQ_POLL_ACTIONS = ['glue:GetDataQualityRulesetEvaluationRun'];
export const LIST_EXECUTIONS_ACTIONS = ['states:ListExecutions'];

/**
 * What the Data Quality evaluation role may do: read the table (catalog and data, `ILakeTable.grantRead`), read its ruleset
 * (glue:GetDataQualityRuleset), publish the ruleset's results (glue:PublishDataQuality) and read them back
 * (glue:GetDataQualityResult), all on the ruleset; read its evaluation run (glue:GetDataQualityRulesetEvaluationRun, whose
 * request names only the run) on the account's rulesets; publish its metrics in the `Glue Data Quality` namespace
 * (https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html).
 */
export const DQ_PUBLISH_ACTIONS = ['glue:PublishDataQuality', 'glue:GetDataQualityRuleset', 'glue:GetDataQualityResult'];
export const DQ_EVALUATION_RUN_ACTIONS = ['glue:GetDataQualityRulesetEvaluationRun'];
