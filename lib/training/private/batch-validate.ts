import { Annotations, Duration, Names, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { ILakeZone } from '../../data-lake';
import { normalizePrefix } from '../../private/lake-prefix';
import { checkSchedule } from '../../private/schedules';
import { InputErrors, checkDuration, checkString, checkWholeNumber, describe, isToken } from '../../private/validation';
import { AssembleWith, BatchStrategy, JoinSource, SplitType, TransformInstanceType } from '../batch-transform-options';
import type { BatchTransformProps } from '../batch-transform';

/*
 * The checks of a BatchTransform's props, from SageMaker's API reference:
 * - CreateTransformJob (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html): TransformJobName
 *   1-63 characters `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`; MaxPayloadInMB 0-100, "If you specify the MaxConcurrentTransforms parameter,
 *   the value of (MaxConcurrentTransforms * MaxPayloadInMB) also cannot exceed 100 MB", 0 for HTTP chunked encoding; a MultiRecord
 *   mini-batch holds "the maximum number of records in each request, up to the MaxPayloadInMB limit" (API_TransformInput.html,
 *   SplitType), so MultiRecord needs a limit; MaxConcurrentTransforms >= 0; Environment at most 16 entries, keys
 *   `[a-zA-Z_][a-zA-Z0-9_]{0,1023}`, values up to 10240 characters;
 * - ModelClientConfig (API_ModelClientConfig.html): InvocationsTimeoutInSeconds 1-3600, InvocationsMaxRetries 0-3;
 * - DataProcessing (API_DataProcessing.html): InputFilter and OutputFilter up to 63 characters; JoinSource Input joins JSON, JSON
 *   Lines or CSV records;
 * - TransformResources (API_TransformResources.html): InstanceCount >= 1; VolumeKmsKeyId not on instance types with local storage
 *   (as for every SageMaker job, API_ResourceConfig.html);
 * - VpcConfig (API_VpcConfig.html): 1-5 security groups, 1-16 subnets.
 */

/** The longest a run may take: the transform task's timeout. */
export const MAX_TRANSFORM_RUNTIME = Duration.days(28);
const MAX_PAYLOAD_MB = 100;
const MAX_ENVIRONMENT = 16;
const ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/;
const JOB_NAME_PREFIX = /^[a-z0-9](-*[a-z0-9]){0,25}$/;
/** The content types whose records SageMaker can join with their results (DataProcessing JoinSource). */
const JOINABLE_CONTENT_TYPES = ['text/csv', 'application/json', 'application/jsonlines', 'application/x-jsonlines'];

/** The props, checked, with their defaults. */
export interface BatchConfig {
  readonly jobNamePrefix: string;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
  readonly capturePrefix?: string;
  readonly instanceType: TransformInstanceType;
  readonly instanceCount: number;
  readonly maxPayloadMb: number;
  readonly batchStrategy: BatchStrategy;
  readonly splitType: SplitType;
  readonly assembleWith: AssembleWith;
  readonly joinSource: JoinSource;
  readonly contentType: string;
  readonly maxRuntime: Duration;
  readonly volumeKey?: kms.IKey;
  /** Whether the model is defined per run from a package (else a ServingModel). */
  readonly fromPackage: boolean;
}

/** Checks every prop (collecting the problems in `errors`) and applies the defaults. */
export function validateBatch(scope: Construct, errors: InputErrors, props: BatchTransformProps): BatchConfig {
  const model = props.model;
  const fromPackage = model.servingModel === undefined;
  if (fromPackage) {
    if (!model.registry || typeof model.registry.modelPackageGroupName !== 'string') {
      errors.add('model', describe(model), 'TransformModel.latestApproved(...), .fromModelPackageVersion(...) or .fromServingModel(...)');
    }
    if (model.version !== undefined) {
      checkWholeNumber(errors, 'model version', model.version, { min: 1 });
    }
  } else {
    for (const prop of ['vpc', 'vpcSubnets', 'securityGroups', 'networkIsolation'] as const) {
      if (props[prop] !== undefined) {
        errors.add(prop, describe(props[prop]), `omitted with TransformModel.fromServingModel: the model ${model.servingModel!.node.path} `
          + 'has its own network settings (give them to the ServingModel)');
      }
    }
  }

  checkZone(errors, 'input', props.input);
  checkZone(errors, 'output', props.output);
  if (props.dataCapture !== undefined) {
    checkZone(errors, 'dataCapture.zone', props.dataCapture.zone);
    if (props.dataCapture.generateInferenceId !== undefined && typeof props.dataCapture.generateInferenceId !== 'boolean') {
      errors.add('dataCapture.generateInferenceId', props.dataCapture.generateInferenceId, 'true or false');
    }
  }

  const jobNamePrefix = props.jobNamePrefix ?? defaultJobNamePrefix(scope);
  if (!isToken(jobNamePrefix) && !JOB_NAME_PREFIX.test(jobNamePrefix)) {
    errors.add('jobNamePrefix', jobNamePrefix, '1-26 lowercase letters, digits and hyphens, starting and ending with a letter or digit '
      + '(jobs and models are named "<prefix>-<uuid>", at most 63 characters)');
  }
  checkString(errors, 'inputPrefix', props.inputPrefix, "a key prefix in the input zone, such as 'churn/scoring/'", true);
  const inputPrefix = normalizePrefix(errors, 'inputPrefix', props.inputPrefix) ?? '';
  const outputPrefix = normalizePrefix(errors, 'outputPrefix', props.outputPrefix ?? `batch/${jobNamePrefix}/`) ?? '';
  const capturePrefix = props.dataCapture
    ? normalizePrefix(errors, 'dataCapture.prefix', props.dataCapture.prefix ?? `batch-capture/${jobNamePrefix}/`)
    : undefined;
  if (props.startOnNewObjects) {
    // A run's own output (or capture) under the input prefix would start a new run, and so on without end.
    for (const [prop, zone, prefix] of [['outputPrefix', props.output, outputPrefix], ['dataCapture.prefix', props.dataCapture?.zone, capturePrefix]] as const) {
      if (zone && prefix !== undefined && sameBucket(zone, props.input) && overlaps(prefix, inputPrefix)) {
        errors.add(prop, prefix, `a prefix outside the input prefix '${inputPrefix}' with startOnNewObjects (each object written there would `
          + 'start another run)');
      }
    }
  }

  const instanceType = props.instanceType ?? TransformInstanceType.M5_XLARGE;
  const instanceCount = props.instanceCount ?? 1;
  checkWholeNumber(errors, 'instanceCount', instanceCount, { min: 1 });
  const maxPayloadMb = props.maxPayloadMb ?? 6;
  const payloadOk = checkWholeNumber(errors, 'maxPayloadMb', maxPayloadMb, {
    min: 0, max: MAX_PAYLOAD_MB, allowed: `a whole number of MB from 0 to ${MAX_PAYLOAD_MB} (0: HTTP chunked encoding, for containers that support it)`,
  });
  const concurrencyOk = checkWholeNumber(errors, 'maxConcurrentTransforms', props.maxConcurrentTransforms, { min: 0 });
  if (payloadOk && concurrencyOk && props.maxConcurrentTransforms! * maxPayloadMb > MAX_PAYLOAD_MB) {
    errors.addMessage(`maxConcurrentTransforms x maxPayloadMb must be at most ${MAX_PAYLOAD_MB} MB (SageMaker's limit), got `
      + `${props.maxConcurrentTransforms} x ${maxPayloadMb} MB`);
  }

  const splitType = props.splitType ?? SplitType.LINE;
  const batchStrategy = props.batchStrategy ?? BatchStrategy.MULTI_RECORD;
  const assembleWith = props.assembleWith ?? AssembleWith.LINE;
  const joinSource = props.joinSource ?? JoinSource.NONE;
  checkEnum(errors, 'splitType', splitType, SplitType, 'SplitType');
  checkEnum(errors, 'batchStrategy', batchStrategy, BatchStrategy, 'BatchStrategy');
  checkEnum(errors, 'assembleWith', assembleWith, AssembleWith, 'AssembleWith');
  checkEnum(errors, 'joinSource', joinSource, JoinSource, 'JoinSource');
  if (batchStrategy === BatchStrategy.MULTI_RECORD && maxPayloadMb === 0 && !isToken(maxPayloadMb)) {
    errors.add('maxPayloadMb', 0, 'from 1 to 100 with BatchStrategy.MULTI_RECORD, which fills each request up to that limit '
      + '(0, HTTP chunked encoding, goes with BatchStrategy.SINGLE_RECORD)');
  }
  if (batchStrategy === BatchStrategy.MULTI_RECORD && splitType === SplitType.NONE) {
    Annotations.of(scope).addWarningV2('cdk-mlops:batchMultiRecordWithoutSplit', 'BatchStrategy.MULTI_RECORD has no effect with '
      + 'SplitType.NONE: each request carries one whole object. Use SplitType.LINE (or a record format) to batch records.');
  }
  const contentType = props.contentType ?? 'text/csv';
  checkString(errors, 'contentType', contentType, 'a MIME type of up to 256 characters, such as \'text/csv\'');
  checkLength(errors, 'contentType', contentType, 256, 'a MIME type of up to 256 characters');
  checkLength(errors, 'accept', props.accept, 256, 'a MIME type of up to 256 characters');
  checkLength(errors, 'inputFilter', props.inputFilter, 63, 'a JSONPath expression of up to 63 characters, such as \'$[1:]\'');
  checkLength(errors, 'outputFilter', props.outputFilter, 63, 'a JSONPath expression of up to 63 characters, such as \'$[0,-1]\'');
  if (joinSource === JoinSource.INPUT && !isToken(contentType) && !JOINABLE_CONTENT_TYPES.includes(contentType.split(';')[0].trim())) {
    errors.add('contentType', contentType, `one of ${describe(JOINABLE_CONTENT_TYPES)} with JoinSource.INPUT (SageMaker joins only CSV, `
      + 'JSON and JSON Lines records with their results)');
  }
  checkEnvironment(errors, props.environment);

  const maxRuntime = props.maxRuntime ?? Duration.hours(24);
  checkDuration(errors, 'maxRuntime', maxRuntime, { unit: 'minutes', min: 1, max: MAX_TRANSFORM_RUNTIME.toMinutes(), allowed: 'from 1 minute to 28 days' });
  checkDuration(errors, 'invocationTimeout', props.invocationTimeout, { unit: 'seconds', min: 1, max: 3600, allowed: 'from 1 second to 1 hour' });
  checkWholeNumber(errors, 'invocationRetries', props.invocationRetries, { min: 0, max: 3 });

  const nvme = instanceType.hasLocalNvme;
  if (props.volumeEncryptionKey && nvme === true) {
    errors.add('volumeEncryptionKey', props.volumeEncryptionKey, `omitted on ${instanceType.name}, which has local NVMe storage that `
      + 'SageMaker encrypts in hardware (SageMaker rejects a VolumeKmsKeyId there)');
  }
  const volumeKey = props.volumeEncryptionKey ?? (nvme === false ? props.output.encryptionKey : undefined);

  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    errors.addMessage('vpcSubnets and securityGroups need vpc');
  }
  const groups = props.securityGroups;
  if (groups !== undefined && (!Array.isArray(groups) || groups.length < 1 || groups.length > 5)) {
    errors.add('securityGroups', describe(props.securityGroups), '1 to 5 security groups');
  }
  if (props.schedule !== undefined) {
    checkSchedule(errors, 'schedule', props.schedule);
  }
  if (props.startOnNewObjects !== undefined && typeof props.startOnNewObjects !== 'boolean') {
    errors.add('startOnNewObjects', props.startOnNewObjects, 'true or false');
  }

  return {
    jobNamePrefix, inputPrefix, outputPrefix, capturePrefix: capturePrefix ?? undefined, instanceType, instanceCount, maxPayloadMb,
    batchStrategy, splitType, assembleWith, joinSource, contentType, maxRuntime, volumeKey, fromPackage,
  };
}

/** An ILakeZone by shape: a bucket outside the lake (an `s3.IBucket`) has no zone grants and is refused. */
function checkZone(errors: InputErrors, prop: string, zone: unknown): void {
  const z = zone as Partial<ILakeZone> | undefined;
  if (!z || typeof z !== 'object' || typeof z.grantRead !== 'function' || typeof z.grantWrite !== 'function' || typeof z.s3Uri !== 'function' || !z.bucket) {
    errors.add(prop, zone, 'an ILakeZone, such as lake.zone(\'curated\') (a bucket outside the lake is not accepted: the model\'s role is '
      + 'granted exactly the zone\'s prefix, through the zone\'s grants)');
  }
}

function sameBucket(a: ILakeZone, b: ILakeZone): boolean {
  return a.bucket === b.bucket || (!Token.isUnresolved(a.bucket.bucketName) && a.bucket.bucketName === b.bucket.bucketName);
}

/** Whether two normalised prefixes cover common keys ('' covers all). */
function overlaps(a: string, b: string): boolean {
  if (isToken(a) || isToken(b)) {
    return false;
  }
  return a.startsWith(b) || b.startsWith(a);
}

function checkEnum(errors: InputErrors, prop: string, value: unknown, values: Record<string, string>, name: string): void {
  if (!Object.values(values).includes(value as string)) {
    errors.add(prop, value, `a ${name} (${Object.keys(values).map((k) => `${name}.${k}`).join(', ')})`);
  }
}

function checkLength(errors: InputErrors, prop: string, value: unknown, max: number, allowed: string): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (typeof value !== 'string' || value.length > max) {
    errors.add(prop, value, allowed);
  }
}

function checkEnvironment(errors: InputErrors, environment: { [key: string]: string } | undefined): void {
  if (environment === undefined) {
    return;
  }
  const entries = Object.entries(environment);
  if (entries.length > MAX_ENVIRONMENT) {
    errors.add('environment', `${entries.length} variables`, `at most ${MAX_ENVIRONMENT} variables (SageMaker's limit for transform jobs)`);
  }
  for (const [key, value] of entries) {
    if (!isToken(key) && !ENV_KEY.test(key)) {
      errors.add(`environment key '${key}'`, key, 'letters, digits and _, not starting with a digit, up to 1024 characters');
    }
    if (!isToken(value) && (typeof value !== 'string' || value.length > 10240)) {
      errors.add(`environment.${key}`, value, 'a string of up to 10240 characters');
    }
  }
}

/** A default job-name prefix from the construct path: lowercase, hyphens, at most 26 characters, unique per app. */
function defaultJobNamePrefix(scope: Construct): string {
  const name = Names.uniqueResourceName(scope, { maxLength: 26, separator: '-' }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'batch';
}
