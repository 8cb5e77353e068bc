import { SizeRoundingBehavior } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { SAGEMAKER_NAME } from './private-names';
import { ServerlessOptions, VariantBaseOptions, VariantOptions } from './variant';
import { DurationRange, InputErrors, checkDuration, checkNumber, checkRequired, checkWholeNumber, isToken } from '../private/validation';

/** The instance type of a variant that names none. */
export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';

/** SageMaker's model download and container startup timeouts: 60-3600 seconds. */
const TIMEOUT: DurationRange = { unit: 'seconds', min: 60, max: 3600 };

/** Checks what production and shadow variants share; `names` are the variants' names so far. */
export function checkVariantBase(errors: InputErrors, where: string, v: VariantBaseOptions & { serverless?: ServerlessOptions },
  names: string[]): void {
  if (!isToken(v.name) && !SAGEMAKER_NAME.test(v.name)) {
    errors.add(`${where} name`, v.name, '1-63 letters, digits and hyphens, starting and ending with a letter or digit');
  }
  if (!isToken(v.name) && names.includes(v.name)) {
    errors.add(`${where} name`, v.name, 'unique among the endpoint\'s variants, but it is used twice');
  }
  checkInstanceType(errors, `${where} instanceType`, v.instanceType);
  checkWholeNumber(errors, `${where} instanceCount`, v.instanceCount, { min: 1 });
  if (v.volumeSize !== undefined && !v.volumeSize.isUnresolved()) {
    const gib = v.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(gib) || gib < 1 || gib > 512) {
      errors.add(`${where} volumeSize`, `${v.volumeSize.toMebibytes()} MiB`, 'a whole number of GiB from 1 to 512');
    }
  }
  checkDuration(errors, `${where} modelDownloadTimeout`, v.modelDownloadTimeout, TIMEOUT);
  checkDuration(errors, `${where} containerStartupHealthCheckTimeout`, v.containerStartupHealthCheckTimeout, TIMEOUT);
}

/** SageMaker's instance type names: `ml.<family>.<size>` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html). */
const INSTANCE_TYPE_NAME = /^ml\.[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Checks that an instance type is an `InstanceType` (JavaScript callers can pass a string or a number) named `ml.<family>.<size>`.
 * Tokens pass.
 */
export function checkInstanceType(errors: InputErrors, prop: string, value: unknown): void {
  if (value === undefined || value === null || isToken(value)) {
    return;
  }
  const allowed = 'an InstanceType, e.g. InstanceType.M5_LARGE or InstanceType.of(\'ml.m5.large\')';
  if (typeof value !== 'object' || typeof (value as { toString?: unknown }).toString !== 'function') {
    errors.add(prop, value, allowed);
    return;
  }
  const name = String(value);
  if (!isToken(name) && !INSTANCE_TYPE_NAME.test(name)) {
    errors.add(prop, name, `${allowed}: a name ml.<family>.<size>`);
  }
}

/** Checks a serverless variant against SageMaker's serverless limits. */
export function checkServerless(errors: InputErrors, where: string, v: VariantOptions): void {
  const s = v.serverless!;
  if (v.instanceType || v.instanceCount !== undefined || v.volumeSize || v.autoScaling) {
    errors.addMessage(`${where}: a serverless variant takes none of instanceType, instanceCount, volumeSize and autoScaling`);
  }
  if (!s.memory.isUnresolved()) {
    const mib = s.memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mib) || mib < 1024 || mib > 6144 || mib % 1024 !== 0) {
      errors.add(`${where} serverless.memory`, `${mib} MiB`, '1024 to 6144 MiB in steps of 1024 (Size.gibibytes(1) to Size.gibibytes(6))');
    }
  }
  if (checkRequired(errors, `${where} serverless.maxConcurrency`, s.maxConcurrency, 'a whole number from 1 to 200')) {
    checkWholeNumber(errors, `${where} serverless.maxConcurrency`, s.maxConcurrency, { min: 1, max: 200 });
  }
  const pc = s.provisionedConcurrency;
  if (checkWholeNumber(errors, `${where} serverless.provisionedConcurrency`, pc, { min: 1, max: 200 })) {
    if (!isToken(s.maxConcurrency) && pc! > s.maxConcurrency) {
      errors.add(`${where} serverless.provisionedConcurrency`, pc, `at most maxConcurrency (${s.maxConcurrency})`);
    }
  }
  if (v.model.networkIsolation || v.model.vpcAttached) {
    errors.addMessage(`${where}: serverless endpoints support neither network isolation nor a VPC; `
      + 'serve a model defined with networkIsolation: false and without vpc');
  }
}

/** Checks the autoscaling of an instance variant. */
export function checkAutoScaling(errors: InputErrors, where: string, v: VariantOptions): void {
  const a = v.autoScaling!;
  const type = v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE;
  if (v.serverless) {
    return; // reported by checkServerless
  }
  if (!isToken(type) && type.startsWith('ml.t')) {
    errors.add(`${where} autoScaling`, type, 'used with a non-burstable instance type: SageMaker does not autoscale ml.t* instances');
  }
  const min = a.minCapacity ?? v.instanceCount ?? 1;
  if (!isToken(min) && (!Number.isInteger(min) || min < 1)) {
    errors.add(`${where} autoScaling.minCapacity`, min, 'a whole number >= 1');
  }
  if (checkRequired(errors, `${where} autoScaling.maxCapacity`, a.maxCapacity, 'a whole number >= minCapacity')
    && !isToken(a.maxCapacity) && !isToken(min) && (!Number.isInteger(a.maxCapacity) || a.maxCapacity < min)) {
    errors.add(`${where} autoScaling.maxCapacity`, a.maxCapacity, `a whole number >= minCapacity (${min})`);
  }
  if (checkRequired(errors, `${where} autoScaling.targetInvocationsPerInstance`, a.targetInvocationsPerInstance, 'a number > 0')) {
    checkNumber(errors, `${where} autoScaling.targetInvocationsPerInstance`, a.targetInvocationsPerInstance, { min: 0, minExclusive: true, allowed: '> 0' });
  }
  checkDuration(errors, `${where} autoScaling.scaleInCooldown`, a.scaleInCooldown, { unit: 'seconds', min: 0 });
  checkDuration(errors, `${where} autoScaling.scaleOutCooldown`, a.scaleOutCooldown, { unit: 'seconds', min: 0 });
}

/** The properties production and shadow variants share, as CloudFormation takes them. */
export function renderBase(v: VariantBaseOptions & { serverless?: ServerlessOptions }): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  const instance = !v.serverless;
  return {
    variantName: v.name,
    modelName: v.model.modelName,
    instanceType: instance ? (v.instanceType?.toString() ?? DEFAULT_INSTANCE_TYPE) : undefined,
    initialInstanceCount: instance ? (v.instanceCount ?? 1) : undefined,
    volumeSizeInGb: v.volumeSize?.toGibibytes(),
    modelDataDownloadTimeoutInSeconds: v.modelDownloadTimeout?.toSeconds(),
    containerStartupHealthCheckTimeoutInSeconds: v.containerStartupHealthCheckTimeout?.toSeconds(),
  };
}
