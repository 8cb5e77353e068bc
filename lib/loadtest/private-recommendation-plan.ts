/**
 * The plan of an inference recommendation from its props: every check, with the limits of CreateInferenceRecommendationsJob
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceRecommendationsJob.html and the types it links), and
 * the fields of the request the state machine sends (pure, no constructs defined).
 */
import { Names, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { InferenceRecommendationProps } from './inference-recommendation';
import { LatencyPercentile, RecommendationJobType, RecommendationTrafficPhase } from './inference-recommendation-options';
import { checkLakePrefix } from './private-plan';
import { lookupInstance } from '../private/instance-catalog';
import { checkObjectKey } from '../private/lake-prefix';
import { checkDuration, checkWholeNumber, describe, InputErrors, isToken } from '../private/validation';

/** JobDurationInSeconds: "The maximum value is 18,000 seconds" (API_RecommendationJobInputConfig.html). */
export const MAX_JOB_SECONDS = 18_000;
/** Phase DurationInSeconds: "For custom load tests, the value should be between 120 and 3600" (API_Phase.html). */
export const MIN_PHASE_SECONDS = 120;
export const MAX_PHASE_SECONDS = 3600;
/** Phase InitialNumberOfUsers: "The value should be between 1 and 3" (API_Phase.html). */
export const MAX_INITIAL_USERS = 3;
/** EndpointConfigurations: "Minimum number of 1 item. Maximum number of 10 items." (API_RecommendationJobInputConfig.html). */
export const MAX_ENDPOINT_CONFIGURATIONS = 10;
/** How often the state machine describes the job. */
export const POLL_SECONDS = 60;
/**
 * The polls beyond the job's duration: Inference Recommender defines and deletes an endpoint per instance type around its load tests,
 * which JobDurationInSeconds does not bound; an hour of polls covers that, then the state machine stops the job.
 */
export const EXTRA_POLLS = 60;
/** The most a job name prefix may be: `<prefix>-<uuid>` (36) must fit the job name's 64 characters, and the 40 characters resources keep. */
export const MAX_PREFIX = 26;

/** CreateInferenceRecommendationsJob JobName: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}`; ours are lowercase (SageMaker ARNs are). */
const JOB_NAME_PREFIX = /^[a-z0-9](-*[a-z0-9]){0,25}$/;
/** RecommendationJobInputConfig ModelPackageVersionArn, a versioned package (`.../model-package/<group>/<version>`). */
const PACKAGE_ARN = /^arn:aws(-cn|-us-gov|-iso-f)?:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\/[0-9]+$/;

export interface RecommendationPlan {
  readonly jobType: RecommendationJobType;
  readonly jobNamePrefix: string;
  readonly jobSeconds: number;
  readonly maxPolls: number;
  /** The state machine's timeout: every poll, plus ten minutes for the rest. */
  readonly timeoutSeconds: number;
  readonly samplePayloadKey: string;
  readonly reportPrefix: string;
  readonly artifactsPrefix?: string;
  /** The request's InputConfig, StoppingConditions (the parts known at synth; the state machine adds the rest). */
  readonly phases?: Array<{ InitialNumberOfUsers: number; SpawnRate: number; DurationInSeconds: number }>;
  readonly instanceTypes?: string[];
  readonly stopping: Record<string, unknown>;
  readonly resourceLimit?: Record<string, number>;
}

/** Checks the props (collecting every problem) and returns the plan. */
export function planRecommendation(scope: Construct, errors: InputErrors, props: InferenceRecommendationProps): RecommendationPlan {
  const jobType = props.jobType ?? RecommendationJobType.DEFAULT;
  if (!Object.values(RecommendationJobType).includes(jobType)) {
    errors.add('jobType', jobType, `one of ${describe(Object.values(RecommendationJobType))}`);
  }
  const advanced = jobType === RecommendationJobType.ADVANCED;

  checkPackageArn(errors, props.modelPackageArn);
  const jobNamePrefix = props.jobNamePrefix ?? defaultJobNamePrefix(scope);
  if (!isToken(jobNamePrefix) && !JOB_NAME_PREFIX.test(jobNamePrefix)) {
    errors.add('jobNamePrefix', jobNamePrefix, `1-${MAX_PREFIX} lowercase letters, digits and hyphens, starting and ending with a letter or `
      + 'digit (jobs are named "<prefix>-<uuid>", at most 64 characters; the endpoints they define keep its first 40)');
  }

  const jobSeconds = checkDuration(errors, 'maxDuration', props.maxDuration, { unit: 'seconds', min: 1, max: MAX_JOB_SECONDS,
    allowed: `a whole number of seconds from 1 to ${MAX_JOB_SECONDS} (JobDurationInSeconds: at most 5 hours)` });
  if (props.maxDuration === undefined || props.maxDuration === null) {
    errors.add('maxDuration', props.maxDuration, `the longest a job may run, at most ${MAX_JOB_SECONDS} seconds`);
  }

  const phases = planPhases(errors, props.trafficPhases, advanced, jobSeconds);
  const instanceTypes = planInstanceTypes(errors, props.instanceTypes?.map((t) => t?.toString()), advanced, props.instanceTypes);
  const stopping = planStopping(errors, props, advanced);
  const resourceLimit: Record<string, number> = {};
  if (checkWholeNumber(errors, 'maxTests', props.maxTests, { min: 1 }) && props.maxTests !== undefined) {
    resourceLimit.MaxNumberOfTests = props.maxTests;
  }
  if (checkWholeNumber(errors, 'maxParallelTests', props.maxParallelTests, { min: 1 }) && props.maxParallelTests !== undefined) {
    resourceLimit.MaxParallelOfTests = props.maxParallelTests;
  }
  if (props.maxTests !== undefined && props.maxParallelTests !== undefined && props.maxParallelTests > props.maxTests) {
    errors.add('maxParallelTests', props.maxParallelTests, `at most maxTests (${props.maxTests})`);
  }

  const samplePayloadKey = checkPayloadKey(errors, props);
  const reportZone = props.reportZone ?? props.samplePayloadZone;
  const reportPrefix = reportZone ? checkLakePrefix(errors, 'reportPrefix', props.reportPrefix ?? 'inference-recommendations/', reportZone) : undefined;
  const artifactsPrefix = props.artifactsZone ? checkLakePrefix(errors, 'artifactsPrefix', props.artifactsPrefix, props.artifactsZone) : undefined;
  if (props.artifactsPrefix !== undefined && !props.artifactsZone) {
    errors.add('artifactsPrefix', props.artifactsPrefix, 'set with artifactsZone (the zone that holds the model artifacts)');
  }

  const maxPolls = Math.ceil((jobSeconds ?? 0) / POLL_SECONDS) + EXTRA_POLLS;
  return {
    jobType, jobNamePrefix, jobSeconds: jobSeconds ?? 0, maxPolls, timeoutSeconds: maxPolls * POLL_SECONDS + 600,
    samplePayloadKey: samplePayloadKey ?? '', reportPrefix: reportPrefix ?? '', artifactsPrefix,
    phases, instanceTypes, stopping, resourceLimit: Object.keys(resourceLimit).length > 0 ? resourceLimit : undefined,
  };
}

function checkPackageArn(errors: InputErrors, arn: unknown): void {
  if (isToken(arn)) {
    return;
  }
  if (typeof arn !== 'string' || !PACKAGE_ARN.test(arn)) {
    errors.add('modelPackageArn', arn, 'the ARN of a versioned model package, arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version> '
      + '(ModelPackageVersionArn)');
  }
}

function planPhases(errors: InputErrors, phases: RecommendationTrafficPhase[] | undefined, advanced: boolean, jobSeconds: number | undefined) {
  if (!advanced) {
    if (phases !== undefined) {
      errors.add('trafficPhases', phases, 'absent for a DEFAULT job (Inference Recommender chooses its traffic); set jobType ADVANCED for a custom load test');
    }
    return undefined;
  }
  if (!Array.isArray(phases) || phases.length === 0) {
    errors.add('trafficPhases', phases, 'at least one phase for an ADVANCED job (a custom load test)');
    return undefined;
  }
  const out: Array<{ InitialNumberOfUsers: number; SpawnRate: number; DurationInSeconds: number }> = [];
  phases.forEach((p, i) => {
    const at = `trafficPhases[${i}]`;
    const before = errors.count;
    if (isToken(p?.initialUsers) || isToken(p?.spawnRate) || (p?.duration && p.duration.isUnresolved())) {
      errors.add(at, p, 'users, a spawn rate and a duration known at synth (the job\'s duration is checked against them)');
      return;
    }
    checkWholeNumber(errors, `${at}.initialUsers`, p?.initialUsers ?? NaN, { min: 1, max: MAX_INITIAL_USERS,
      allowed: `a whole number of concurrent users from 1 to ${MAX_INITIAL_USERS} (InitialNumberOfUsers)` });
    checkWholeNumber(errors, `${at}.spawnRate`, p?.spawnRate ?? NaN, { min: 0, allowed: 'a whole number of new users per minute >= 0 (SpawnRate)' });
    const seconds = p?.duration === undefined
      ? (errors.add(`${at}.duration`, p?.duration, `a Duration of ${MIN_PHASE_SECONDS} to ${MAX_PHASE_SECONDS} seconds`), undefined)
      : checkDuration(errors, `${at}.duration`, p.duration, { unit: 'seconds', min: MIN_PHASE_SECONDS, max: MAX_PHASE_SECONDS,
        allowed: `a whole number of seconds from ${MIN_PHASE_SECONDS} to ${MAX_PHASE_SECONDS} (a custom load test's DurationInSeconds)` });
    if (errors.count === before && seconds !== undefined) {
      out.push({ InitialNumberOfUsers: p.initialUsers, SpawnRate: p.spawnRate, DurationInSeconds: seconds });
    }
  });
  const total = out.reduce((a, p) => a + p.DurationInSeconds, 0);
  if (out.length === phases.length && jobSeconds !== undefined && total > jobSeconds) {
    errors.add('maxDuration', `${jobSeconds} seconds`, `at least the ${total} seconds of the traffic phases (each load test runs them all, `
      + 'one after another, within JobDurationInSeconds)');
  }
  return out;
}

function planInstanceTypes(errors: InputErrors, names: Array<string | undefined> | undefined, advanced: boolean,
  given: unknown): string[] | undefined {
  if (given === undefined) {
    if (advanced) {
      errors.add('instanceTypes', given, 'the instance types to load-test (1 to 10) for an ADVANCED job');
    }
    return undefined;
  }
  if (!Array.isArray(given) || names === undefined || names.length === 0 || names.length > MAX_ENDPOINT_CONFIGURATIONS) {
    errors.add('instanceTypes', given, `1 to ${MAX_ENDPOINT_CONFIGURATIONS} instance types (EndpointConfigurations)`);
    return undefined;
  }
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === undefined || Token.isUnresolved(name)) {
      return;
    }
    const facts = lookupInstance(name);
    if (!facts || !facts.known || facts.vcpus === undefined) {
      errors.add(`instanceTypes[${i}]`, name, 'a SageMaker real-time hosting instance type the instance catalog knows, such as ml.c5.xlarge');
    } else if (seen.has(name)) {
      errors.add(`instanceTypes[${i}]`, name, 'an instance type listed once');
    }
    seen.add(name);
  });
  return names as string[];
}

function planStopping(errors: InputErrors, props: InferenceRecommendationProps, advanced: boolean): Record<string, unknown> {
  const stop = props.stoppingConditions;
  if (stop === undefined || stop === null) {
    errors.add('stoppingConditions', stop, 'stopping conditions with maxInvocationsPerMinute (the request rate at which a load test stops)');
    return {};
  }
  const out: Record<string, unknown> = {};
  if (stop.maxInvocationsPerMinute === undefined) {
    errors.add('stoppingConditions.maxInvocationsPerMinute', undefined, 'a whole number of requests per minute >= 1 (MaxInvocations: optional in '
      + 'the API, required here so that the traffic a load test drives has a stated ceiling)');
  } else if (checkWholeNumber(errors, 'stoppingConditions.maxInvocationsPerMinute', stop.maxInvocationsPerMinute, { min: 1,
    allowed: 'a whole number of requests per minute >= 1 (MaxInvocations)' })) {
    out.MaxInvocations = stop.maxInvocationsPerMinute;
  }
  const percentile = stop.latencyPercentile ?? LatencyPercentile.P95;
  if (!Object.values(LatencyPercentile).includes(percentile)) {
    errors.add('stoppingConditions.latencyPercentile', percentile, `one of ${describe(Object.values(LatencyPercentile))}`);
  } else if (advanced && percentile !== LatencyPercentile.P95) {
    errors.add('stoppingConditions.latencyPercentile', percentile, "'P95' for an ADVANCED job (custom load tests take P95 only)");
  }
  if (stop.latencyPercentile !== undefined && stop.maxModelLatency === undefined) {
    errors.add('stoppingConditions.latencyPercentile', percentile, 'set with maxModelLatency');
  }
  const ms = checkDuration(errors, 'stoppingConditions.maxModelLatency', stop.maxModelLatency, { unit: 'seconds', whole: false, min: 0,
    minExclusive: true, max: 60, allowed: 'a whole number of milliseconds > 0 and at most 60 seconds (the longest an endpoint may take)' });
  if (ms !== undefined) {
    const value = Math.round(ms * 1000);
    if (Math.abs(value - ms * 1000) > 1e-9) {
      errors.add('stoppingConditions.maxModelLatency', stop.maxModelLatency, 'a whole number of milliseconds (ValueInMilliseconds)');
    } else {
      out.ModelLatencyThresholds = [{ Percentile: percentile, ValueInMilliseconds: value }];
    }
  }
  return out;
}

/** The sample payload: an object key in the lake (a tar.gz of request bodies), never a URI or a path out of the zone. */
function checkPayloadKey(errors: InputErrors, props: InferenceRecommendationProps): string | undefined {
  const key = props.samplePayloadKey;
  const allowed = `an object key inside the ${props.samplePayloadZone?.zoneName ?? 'payload'} zone such as 'recommender/churn/payload.tar.gz' `
    + "(no URI, no '..', no wildcard)";
  if (typeof key === 'string' && !Token.isUnresolved(key) && (/^[a-z0-9]+:\/\//i.test(key) || key.split('/').some((s) => s === '..' || s === '.'))) {
    errors.add('samplePayloadKey', key, allowed);
    return undefined;
  }
  const before = errors.count;
  if (!checkObjectKey(errors, 'samplePayloadKey', key)) {
    return undefined;
  }
  return errors.count === before ? key : undefined;
}

function defaultJobNamePrefix(scope: Construct): string {
  const name = Names.uniqueResourceName(scope, { maxLength: MAX_PREFIX, separator: '-' }).toLowerCase()
    .replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'recommend';
}
