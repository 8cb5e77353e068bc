import { Annotations, Duration, Names, Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { ILakeZone } from '../../data-lake';
import { lookupInstance } from '../../private/instance-catalog';
import { checkSchedule } from '../../private/schedules';
import { InputErrors, checkDuration, checkWholeNumber, describe, isToken } from '../../private/validation';
import { MAX_TUNING_PREFIX, ValidatedTuning, validateTuning } from './tuning';
import type { TrainingPipelineProps } from '../training-pipeline';

/*
 * Validation of TrainingPipelineProps: every limit below is SageMaker's (CreateTrainingJob, CreateModelPackage API references)
 * unless it says otherwise. Bad input fails at synth with the construct path, the prop, the value and what is allowed.
 */

/** SageMaker's limit on MaxRuntimeInSeconds (28 days). */
export const MAX_TRAINING_RUNTIME = Duration.days(28);
/** What an execution needs beyond the job's own limit: start, read metrics, register, notify. */
const RUN_OVERHEAD = Duration.hours(1);
const MAX_VOLUME_GB = 16384;
const MAX_CHANNELS = 20;
const MAX_METRICS = 40;
const MAX_HYPERPARAMETERS = 100;
const MAX_ENVIRONMENT = 100;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]{1,64}$/;
const JOB_NAME_PREFIX = /^[a-z0-9](-*[a-z0-9]){0,25}$/;
const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,511}$/;

/** Keys and values of a model package's `CustomerMetadataProperties`: letters, spaces, digits and `_.:/=+-@`. */
export const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_METADATA_VALUE = 256;

/** The props, checked, with their defaults applied. */
export interface ValidatedConfig {
  readonly maxPendingSeconds?: number;
  readonly internalErrorRetries: number;
  readonly capacityWaitBudget: Duration;
  readonly jobNamePrefix: string;
  readonly outputPrefix: string;
  readonly modelsZone?: ILakeZone;
  readonly zones: Map<string, ILakeZone>;
  readonly instanceCount: number;
  readonly volumeGb: number;
  readonly volumeKey?: kms.IKey;
  readonly maxRuntime: Duration;
  readonly spot: boolean;
  readonly maxWait?: Duration;
  readonly hyperparameters?: { [key: string]: string };
  /** The tuning, when the pipeline tunes. */
  readonly tuning?: ValidatedTuning;
}

/** Checks the props (collecting every problem in `errors`) and applies their defaults. */
export function validate(scope: Construct, errors: InputErrors, props: TrainingPipelineProps): ValidatedConfig {
  // Job names and prefixes.
  const jobNamePrefix = props.jobNamePrefix ?? defaultJobNamePrefix(scope, props.tuning ? MAX_TUNING_PREFIX : 26);
  if (!isToken(jobNamePrefix) && !JOB_NAME_PREFIX.test(jobNamePrefix)) {
    errors.add('jobNamePrefix', jobNamePrefix, '1-26 lowercase letters, digits and hyphens, starting and ending with a letter or digit '
      + '(job names are "<prefix>-<uuid>", at most 63 characters)');
  } else if (props.tuning && !isToken(jobNamePrefix) && jobNamePrefix.length > MAX_TUNING_PREFIX) {
    errors.add('jobNamePrefix', jobNamePrefix, `at most ${MAX_TUNING_PREFIX} characters with tuning (tuning jobs are named "<prefix>-<12 hex digits>", `
      + 'and SageMaker allows at most 32 characters)');
  }
  isolatePrefix(scope, jobNamePrefix);
  const outputPrefix = props.outputPrefix ?? `training/${jobNamePrefix}/`;
  if (!isToken(outputPrefix) && (!outputPrefix.endsWith('/') || outputPrefix.startsWith('/') || outputPrefix.length > 512)) {
    errors.add('outputPrefix', outputPrefix, 'a key prefix ending with "/", not starting with "/", at most 512 characters');
  }

  // Lake zones.
  const zones = new Map<string, ILakeZone>();
  const zoneOf = (name: string, prop: string): ILakeZone | undefined => {
    if (zones.has(name)) {
      return zones.get(name);
    }
    if (!props.lake.zoneNames.includes(name)) {
      errors.add(prop, name, `one of the lake's zones ${describe(props.lake.zoneNames)}`);
      return undefined;
    }
    const zone = props.lake.zone(name);
    zones.set(name, zone);
    return zone;
  };
  const groupName = props.registry.modelPackageGroupName;
  if (!isToken(groupName) && groupName !== groupName.toLowerCase()) {
    errors.add('registry', groupName, 'a model package group with a lowercase name (the IAM policies grant on its model package ARNs)');
  }
  const modelsZone = props.lake.zoneNames.includes('models') ? zoneOf('models', 'lake') : undefined;
  if (!modelsZone) {
    errors.add('lake', props.lake.zoneNames, "a lake with a 'models' zone, which receives the models, checkpoints and TensorBoard logs");
  }

  // Resources.
  const instanceCount = props.instanceCount ?? 1;
  if (!isToken(instanceCount)) {
    errors.check(Number.isInteger(instanceCount) && instanceCount >= 1, 'instanceCount', instanceCount, 'a whole number >= 1');
  }
  const volumeSize = props.volumeSize ?? Size.gibibytes(50);
  let volumeGb = 50;
  if (!volumeSize.isUnresolved()) {
    volumeGb = volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    errors.check(Number.isInteger(volumeGb) && volumeGb >= 1 && volumeGb <= MAX_VOLUME_GB, 'volumeSize', `${volumeGb} GiB`,
      `a whole number of GiB from 1 to ${MAX_VOLUME_GB}`);
  }
  const type = props.instanceType;
  const facts = lookupInstance(type.name);
  if (facts?.known && !facts.training) {
    errors.add('instanceType', type.name, `a SageMaker training instance type (ml.${facts.family}.* is offered for hosting only; `
      + 'see ResourceConfig.InstanceType in the CreateTrainingJob API reference)');
  }
  const nvme = type.hasLocalNvme;
  if (props.volumeEncryptionKey && nvme) {
    errors.add('volumeEncryptionKey', type.name, 'omitted: the instance type has local NVMe storage, which SageMaker encrypts '
      + 'in hardware and for which it rejects a volume KMS key (choose an EBS-only type such as ml.p3 or ml.m5 to use a key)');
  }
  const localGb = type.localStorageSize?.toGibibytes();
  if (nvme && localGb !== undefined && !volumeSize.isUnresolved() && volumeGb > localGb) {
    errors.add('volumeSize', `${volumeGb} GiB`, `at most the ${localGb} GB of local NVMe storage of ${type.name} (SageMaker uses the instance `
      + 'storage instead of an EBS volume and rejects a larger VolumeSizeInGB)');
  }
  if (facts && !facts.known) {
    Annotations.of(scope).addWarningV2('cdk-mlops:unknown-instance-type', `${type.name} is not in this library's instance catalog: whether it `
      + 'has local NVMe storage is unknown, so no volume KMS key is set (SageMaker would reject one on NVMe storage). Give '
      + 'volumeEncryptionKey if the type is EBS-backed.');
  }
  // Fail closed: a volume key only where the type is known to be EBS-backed (SageMaker rejects one on local NVMe storage).
  const volumeKey = props.volumeEncryptionKey ?? (nvme || !type.hasKnownStorage ? undefined : props.lake.encryptionKey);

  // Time limits.
  const maxRuntime = props.maxRuntime ?? Duration.hours(24);
  const spot = props.spot ?? false;
  let maxWait = props.maxWait;
  if (!maxRuntime.isUnresolved()) {
    const s = maxRuntime.toSeconds({ integral: false });
    errors.check(Number.isInteger(s) && s >= 1 && s <= MAX_TRAINING_RUNTIME.toSeconds(), 'maxRuntime', maxRuntime,
      `a whole number of seconds from 1 second to ${MAX_TRAINING_RUNTIME.toHumanString()} (SageMaker's limit)`);
  }
  if (!spot && props.maxWait !== undefined) {
    errors.add('maxWait', props.maxWait, 'omitted unless spot is true (it is the limit on waiting for spot capacity)');
  }
  if (spot) {
    if (maxWait === undefined && !maxRuntime.isUnresolved()) {
      const seconds = Math.max(maxRuntime.toSeconds(), Math.min(2 * maxRuntime.toSeconds(), MAX_TRAINING_RUNTIME.toSeconds()));
      maxWait = Duration.seconds(seconds);
    } else if (maxWait !== undefined && !maxWait.isUnresolved() && !maxRuntime.isUnresolved()) {
      const w = maxWait.toSeconds({ integral: false });
      errors.check(Number.isInteger(w) && w >= maxRuntime.toSeconds(), 'maxWait', maxWait,
        `a whole number of seconds >= maxRuntime (${maxRuntime.toHumanString()})`);
    }
    maxWait = maxWait ?? maxRuntime;
  }

  // Retries: SageMaker's own (RetryStrategy) and the run's capacity waits.
  const maxPendingSeconds = checkDuration(errors, 'maxPendingTime', props.maxPendingTime,
    { unit: 'seconds', min: 7200, max: MAX_TRAINING_RUNTIME.toSeconds(), allowed: 'a whole number of seconds from 2 hours to 28 days' });
  const internalErrorRetries = props.internalErrorRetries ?? 2;
  checkWholeNumber(errors, 'internalErrorRetries', internalErrorRetries, { min: 0, max: 30 });
  const capacityWaitBudget = props.capacityWaitBudget ?? Duration.hours(2);
  checkDuration(errors, 'capacityWaitBudget', capacityWaitBudget,
    { unit: 'seconds', min: 0, max: Duration.days(7).toSeconds(), allowed: 'a whole number of seconds from 0 to 7 days' });

  // Channels.
  errors.check(props.channels.length >= 1 && props.channels.length <= MAX_CHANNELS, 'channels', `${props.channels.length} channels`,
    `1 to ${MAX_CHANNELS} channels (CreateTrainingJob's InputDataConfig takes 1-20)`);
  const channelNames = new Set<string>();
  props.channels.forEach((channel, i) => {
    if (!isToken(channel.name)) {
      errors.check(CHANNEL_NAME.test(channel.name), `channels[${i}].name`, channel.name, '1-64 letters, digits, ".", "-" and "_"');
    }
    if (channelNames.has(channel.name)) {
      errors.add(`channels[${i}].name`, channel.name, 'unique, but another channel has this name');
    }
    channelNames.add(channel.name);
    zoneOf(channel.zone, `channels[${i}].zone`);
    if (!isToken(channel.prefix)) {
      const ok = channel.prefix.length > 0 && !channel.prefix.startsWith('/') && !channel.prefix.includes('*');
      errors.check(ok, `channels[${i}].prefix`, channel.prefix,
        'a non-empty key prefix, not starting with "/" and without "*" (the training role may read only this prefix)');
    }
  });

  // Metrics and the gate.
  const metricCount = props.metricDefinitions.length;
  errors.check(metricCount <= MAX_METRICS, 'metricDefinitions', `${metricCount} definitions`, `at most ${MAX_METRICS}`);
  const metricNames = new Set<string>();
  props.metricDefinitions.forEach((metric, i) => {
    if (!isToken(metric.name)) {
      errors.check(metric.name.length >= 1 && metric.name.length <= 255, `metricDefinitions[${i}].name`, metric.name, '1-255 characters');
    }
    if (metricNames.has(metric.name)) {
      errors.add(`metricDefinitions[${i}].name`, metric.name, 'unique, but another definition has this name');
    }
    metricNames.add(metric.name);
    if (!isToken(metric.regex)) {
      const problem = regexProblem(metric.regex);
      if (problem) {
        errors.add(`metricDefinitions[${i}].regex`, metric.regex,
          `a valid regular expression of 1-500 characters with a capturing group for the value (${problem})`);
      }
    }
  });
  const gate = props.qualityGate;
  if (!isToken(gate.metricName) && !metricNames.has(gate.metricName)) {
    errors.add('qualityGate.metricName', gate.metricName, `one of the metricDefinitions names ${describe([...metricNames])}`);
  } else if (!isToken(gate.metricName) && (!METADATA_TEXT.test(gate.metricName) || gate.metricName.length > MAX_METADATA_VALUE)) {
    errors.add('qualityGate.metricName', gate.metricName, `at most ${MAX_METADATA_VALUE} letters, spaces, digits and "_.:/=+-@" `
      + '(it is recorded in the model package\'s metadata, which allows no other characters)');
  }
  if (!isToken(gate.threshold)) {
    errors.check(typeof gate.threshold === 'number' && Number.isFinite(gate.threshold), 'qualityGate.threshold', gate.threshold, 'a finite number');
  }

  // Hyperparameters and environment.
  let hyperparameters: { [key: string]: string } | undefined;
  if (props.hyperparameters) {
    hyperparameters = {};
    const entries = Object.entries(props.hyperparameters);
    errors.check(entries.length <= MAX_HYPERPARAMETERS, 'hyperparameters', `${entries.length} entries`, `at most ${MAX_HYPERPARAMETERS} entries`);
    for (const [key, value] of entries) {
      errors.check(key.length >= 1 && key.length <= 256, 'hyperparameters', key, 'keys of 1-256 characters');
      const converted = hyperparameterString(value);
      if (converted === undefined) {
        errors.add(`hyperparameters['${key}']`, safeDescribe(value), 'a string, a finite number or a boolean (SageMaker takes strings only)');
      } else if (!isToken(converted) && converted.length > 2500) {
        errors.add(`hyperparameters['${key}']`, `${converted.length} characters`, 'at most 2500 characters');
      } else {
        hyperparameters[key] = converted;
      }
    }
  }
  if (props.environment) {
    const entries = Object.entries(props.environment);
    errors.check(entries.length <= MAX_ENVIRONMENT, 'environment', `${entries.length} entries`, `at most ${MAX_ENVIRONMENT} entries`);
    for (const [key, value] of entries) {
      errors.check(ENV_NAME.test(key), 'environment', key, 'names of up to 512 letters, digits and "_", not starting with a digit');
      if (typeof value !== 'string') {
        errors.add(`environment['${key}']`, safeDescribe(value), 'a string');
      } else if (!isToken(value)) {
        errors.check(value.length <= 512, `environment['${key}']`, `${value.length} characters`, 'at most 512 characters');
      }
    }
  }

  // What the model package and the job say about themselves.
  if (!props.inferenceImage) {
    Annotations.of(scope).addWarningV2('cdk-mlops:training-image-registered', 'No inferenceImage: the training image is registered '
      + 'as the image that serves the model. Give inferenceImage (the image your endpoint deploys) so that the package says what serves it.');
  }
  (props.supportedRealtimeInferenceInstanceTypes ?? []).forEach((type, i) => {
    if (!isToken(type)) {
      errors.check(/^ml\.[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type), `supportedRealtimeInferenceInstanceTypes[${i}]`, type,
        "a SageMaker instance type such as 'ml.g5.xlarge'");
    }
  });
  if (props.jobTags) {
    const tags = Object.entries(props.jobTags);
    errors.check(tags.length <= 50, 'jobTags', `${tags.length} tags`, 'at most 50 tags');
    for (const [key, value] of tags) {
      if (!isToken(key)) {
        errors.check(key.length >= 1 && key.length <= 128 && !key.toLowerCase().startsWith('aws:'), 'jobTags', key,
          "keys of 1-128 characters, not starting with 'aws:'");
      }
      if (typeof value !== 'string') {
        errors.add(`jobTags['${key}']`, safeDescribe(value), 'a string');
      } else if (!isToken(value)) {
        errors.check(value.length <= 256, `jobTags['${key}']`, `${value.length} characters`, 'at most 256 characters');
      }
    }
  }

  // VPC.
  if (!props.vpc && (props.securityGroups || props.vpcSubnets)) {
    errors.add(props.securityGroups ? 'securityGroups' : 'vpcSubnets', 'set without vpc', 'given only together with vpc');
  }
  if (props.vpc) {
    checkSubnets(errors, props.vpc, props.vpcSubnets);
  }
  if (props.securityGroups) {
    const count = props.securityGroups.length;
    errors.check(count >= 1 && count <= 5, 'securityGroups', `${count} groups`, '1 to 5 security groups');
  }

  // Tuning: its training jobs are the plain run's job; the tuning job's runtime replaces the job's in the state machine's timeout.
  const tuning = props.tuning ? validateTuning(errors, props.tuning, {
    metricNames, staticHyperparameters: Object.keys(props.hyperparameters ?? {}), tensorBoard: props.tensorBoard ?? false,
    jobRuntime: (spot ? maxWait : maxRuntime)?.plus(Duration.seconds(maxPendingSeconds ?? 0)),
  }) : undefined;

  // Schedule: one cron/rate check for every construct; a run must end (the state machine's timeout) before the next one starts.
  const timeout = runTimeout(tuning ? tuning.runtime : spot ? maxWait : maxRuntime, capacityWaitBudget, tuning ? undefined : maxPendingSeconds);
  if (props.schedule !== undefined) {
    const parsed = checkSchedule(errors, 'schedule', props.schedule, { timeZone: false });
    if (parsed.kind === 'rate' && timeout && !timeout.isUnresolved() && parsed.rateMinutes! * 60 < timeout.toSeconds()) {
      errors.add('schedule', props.schedule.expressionString, `no more frequent than the state machine's timeout (${timeout.toHumanString()}: `
        + `${tuning ? 'tuning.maxRuntime' : spot ? 'maxWait' : 'maxRuntime'}${maxPendingSeconds !== undefined && !tuning ? ' + maxPendingTime' : ''} `
        + '+ capacityWaitBudget + 1 hour), '
        + 'so that scheduled runs cannot overlap');
    }
  }

  return {
    maxPendingSeconds, internalErrorRetries, capacityWaitBudget, jobNamePrefix, outputPrefix, modelsZone, zones, instanceCount, volumeGb,
    volumeKey, maxRuntime, spot, maxWait, hyperparameters, tuning,
  };
}

/** SageMaker's VpcConfig takes 1-16 subnets (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html). */
const MAX_SUBNETS = 16;

/**
 * The subnets the job runs in: without `vpcSubnets`, the VPC's private subnets (with egress, else isolated), as documented; a VPC
 * that has only public subnets fails rather than silently placing the job there (CDK's selectSubnets would fall back to them).
 * A selection that matches no subnet, or more than VpcConfig takes, fails too. Each error says which subnets the VPC has.
 */
function checkSubnets(errors: InputErrors, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): void {
  const found = `${vpc.privateSubnets.length} private with egress, ${vpc.isolatedSubnets.length} isolated and `
    + `${vpc.publicSubnets.length} public subnets`;
  if (!selection) {
    if (vpc.privateSubnets.length + vpc.isolatedSubnets.length === 0) {
      errors.add('vpc', `${vpc.node.path} (${found})`, 'a VPC with private (with egress) or isolated subnets, or given with vpcSubnets');
      return;
    }
  }
  let count: number;
  try {
    count = vpc.selectSubnets(selection).subnetIds.length;
  } catch {
    count = 0;
  }
  if (count === 0) {
    errors.add('vpcSubnets', describe(selection), `a selection that matches at least one subnet of the VPC (it has ${found})`);
  } else if (count > MAX_SUBNETS) {
    errors.add('vpcSubnets', `${count} subnets`, `at most ${MAX_SUBNETS} subnets (SageMaker's VpcConfig; the VPC has ${found})`);
  }
}

/** The job-name prefixes of the pipelines of each app, by construct path. */
const PREFIXES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Two pipelines of one app with the same job-name prefix would share their IAM grants on jobs (`training-job/<prefix>-<uuid>`),
 * their log streams and their output and checkpoint prefixes, so an equal prefix fails at synth. A prefix that extends another
 * (`churn` and `churn-v2`) is isolated by the grants' shape: they match `<prefix>-` and exactly a UUID (perms.RUN_ID_PATTERN), which
 * holds for pipelines of other apps in the account too.
 */
function isolatePrefix(scope: Construct, prefix: string): void {
  if (isToken(prefix)) {
    return;
  }
  const root = scope.node.root;
  const prefixes = PREFIXES.get(root) ?? new Map<string, string>();
  PREFIXES.set(root, prefixes);
  prefixes.set(scope.node.path, prefix);
  scope.node.addValidation({
    validate: () => [...prefixes.entries()]
      .filter(([path, other]) => path !== scope.node.path && other === prefix)
      .map(([path]) => `TrainingPipeline ${scope.node.path}: jobNamePrefix must differ from the prefix of every other pipeline of the app `
        + `(${path} uses it too; they would share jobs, logs and output), got '${prefix}'`),
  });
}

/** A default job-name prefix from the construct path: lowercase, hyphens, at most 26 characters, unique per app. */
function defaultJobNamePrefix(scope: Construct, maxLength: number): string {
  const name = Names.uniqueResourceName(scope, { maxLength, separator: '-' }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'training';
}

/** A hyperparameter value as SageMaker's string, or undefined if it has none. */
function hyperparameterString(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : undefined;
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

function safeDescribe(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') {
    return describe(value);
  }
  try {
    return JSON.stringify(value).slice(0, 100);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Why a metric regex is unusable, or undefined if it is fine. */
function regexProblem(regex: string): string | undefined {
  if (regex.length < 1 || regex.length > 500) {
    return `it has ${regex.length} characters`;
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(regex);
  } catch (e) {
    return (e as Error).message;
  }
  // Count the capturing groups: a regex that matches the empty string has one match entry per group.
  const groups = new RegExp(`${compiled.source}|`).exec('')!.length - 1;
  if (groups < 1) {
    return 'it has no capturing group';
  }
  return undefined;
}

/** How long an execution may run: the job's own limit plus an hour to start, read metrics, register and notify. */
export function runTimeout(longestRun: Duration | undefined, capacityWaitBudget: Duration, maxPendingSeconds?: number): Duration | undefined {
  // A job may wait in SageMaker's scheduler for up to MaxPendingTimeInSeconds before its runtime starts
  // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html): the run must outlast both.
  const run = longestRun?.plus(capacityWaitBudget).plus(RUN_OVERHEAD);
  return run && maxPendingSeconds !== undefined ? run.plus(Duration.seconds(maxPendingSeconds)) : run;
}
