import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DeploymentStage, SmokeTest } from './deployment-stage';
import { InputErrors, checkArray, checkDuration, isToken } from '../private/validation';

/** A stage with what the pipeline needs to deploy it, resolved from its model's stack. */
export interface ResolvedStage {
  readonly stageName: string;
  readonly production: boolean;
  readonly stack: Stack;
  readonly stackName: string;
  /** `arn:...:cloudformation:<region>:<account>:stack/<name>/*`. */
  readonly stackArn: string;
  readonly parameterKey: string;
  readonly cloudFormationRoleArn: string;
  /** The target's bootstrap deploy role, for a cross-account stage. */
  readonly credentialsRoleArn?: string;
  readonly smokeTest?: SmokeTest;
}

/** CodePipeline stage names (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StageDeclaration.html). */
const STAGE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
const RESERVED_STAGE_NAMES = ['Source', 'Approve'];

/** Checks the pipeline's props that need no stage resolution; throws once with every problem. */
export function checkPipelineProps(scope: IConstruct, props: {
  readonly stages: DeploymentStage[]; readonly approval?: { readonly timeout?: Duration }; readonly stageTimeout?: Duration;
  readonly bootstrapQualifier?: string; readonly registry: unknown;
}): void {
  const errors = new InputErrors(scope, 'ModelDeploymentPipeline');
  if (props.registry === undefined || props.registry === null) {
    errors.add('registry', props.registry, 'a model registry (IModelRegistry), e.g. training.registry');
  }
  if (checkArray(errors, 'stages', props.stages, 'a list of stages ending in the production stage')) {
    checkStages(errors, props.stages);
  }
  // CodePipeline: a manual approval's timeout is 5 minutes to 86400 minutes (60 days) (CodePipeline quotas).
  checkDuration(errors, 'approval.timeout', props.approval?.timeout, { unit: 'minutes', min: 5, max: 86400,
    allowed: 'between 5 minutes and 60 days (86400 minutes), CodePipeline\'s limits for a manual approval' });
  // CodePipeline's Step Functions invoke action times out after 7 days (CodePipeline quotas).
  checkDuration(errors, 'stageTimeout', props.stageTimeout, { unit: 'minutes', min: 5, max: 7 * 24 * 60,
    allowed: 'between 5 minutes and 7 days (the timeout of CodePipeline\'s Step Functions action)' });
  const q = props.bootstrapQualifier;
  if (q !== undefined && !isToken(q) && !/^[A-Za-z0-9_-]{1,10}$/.test(q)) {
    errors.add('bootstrapQualifier', q, 'the qualifier of a CDK bootstrap: 1-10 letters, digits, hyphens or underscores');
  }
  errors.throwIfAny();
}

function checkStages(errors: InputErrors, stages: DeploymentStage[]): void {
  const production = stages.filter((s) => s?.production === true);
  if (production.length === 0) {
    errors.add('stages', stages.map((s) => s?.stageName), 'a list with exactly one production stage (production: true), last');
  } else if (production.length > 1) {
    errors.add('stages', production.map((s) => s.stageName), 'exactly one production stage, got several');
  } else if (stages[stages.length - 1] !== production[0]) {
    errors.add(`stages (production stage '${production[0].stageName}')`, `at position ${stages.indexOf(production[0]) + 1} of ${stages.length}`,
      'the last stage: production deploys only what every other stage passed');
  } else if (stages.length === 1) {
    errors.add('stages', stages.map((s) => s.stageName), 'at least one stage before production (e.g. Staging), which production follows');
  }
  const names = new Set<string>();
  const stacks = new Map<Stack, string>();
  stages.forEach((stage, i) => {
    const name = stage?.stageName;
    if (typeof name !== 'string' || !STAGE_NAME.test(name)) {
      errors.add(`stages[${i}].stageName`, name, '1-100 letters, digits and . @ - _ (a CodePipeline stage name)');
    } else if (RESERVED_STAGE_NAMES.includes(name)) {
      errors.add(`stages[${i}].stageName`, name, `a name other than ${RESERVED_STAGE_NAMES.join(' and ')}, which the pipeline uses`);
    } else if (names.has(name)) {
      errors.add(`stages[${i}].stageName`, name, 'unique among the stages');
    }
    names.add(name);
    const parameter = stage?.model?.modelPackageParameter;
    if (!parameter) {
      errors.add(`stages[${i}].model`, stage?.model, 'a ServingModel with approvedModelPackage (its stack parameter is what the stage sets)');
      return;
    }
    const stack = Stack.of(parameter);
    const other = stacks.get(stack);
    if (other !== undefined) {
      errors.add(`stages[${i}].model`, `a model of the stack ${stack.node.path}`, `a model in a stack of its own: stage '${other}' deploys that stack `
        + 'already (the same stack in two stages)');
    }
    stacks.set(stack, name);
    if (stage.smokeTest) {
      checkSmokeTest(errors, `stages[${i}].smokeTest`, stage.smokeTest);
    }
  });
}

function checkSmokeTest(errors: InputErrors, prop: string, test: SmokeTest): void {
  if (!test.endpoint) {
    errors.add(`${prop}.endpoint`, test.endpoint, 'the endpoint of the stage (IModelEndpoint)');
  }
  if (!test.payloadZone || !test.payloadZone.bucket) {
    errors.add(`${prop}.payloadZone`, test.payloadZone, 'a zone of the data lake, e.g. lake.zone(\'features\'): the payload comes from the lake');
  }
  const key = test.payloadKey;
  if (typeof key !== 'string' || (!isToken(key) && (key.length === 0 || /^(s3|https?):\/\//i.test(key) || key.startsWith('/')
    || key.includes('*') || key.split('/').includes('..')))) {
    errors.add(`${prop}.payloadKey`, key, 'the key of an object in payloadZone, e.g. \'churn/smoke/request.csv\' (no URI, leading slash, '
      + 'wildcard or ..): the payload comes from the lake');
  }
  checkDuration(errors, `${prop}.bake`, test.bake, { unit: 'seconds', min: 0, max: 24 * 3600, allowed: 'between 0 and 24 hours' });
  if (test.alarms !== undefined && checkArray(errors, `${prop}.alarms`, test.alarms, 'a list of alarms', false) && test.alarms.length > 100) {
    errors.add(`${prop}.alarms`, `${test.alarms.length} alarms`, 'at most 100 alarms (DescribeAlarms takes at most 100 names)');
  }
}

/** The stages with their stacks, ARNs and roles; fails on cross-account or cross-Region targets the pipeline cannot reach. */
export function resolveStages(scope: IConstruct, stages: DeploymentStage[], qualifier: string): ResolvedStage[] {
  const errors = new InputErrors(scope, 'ModelDeploymentPipeline');
  const home = Stack.of(scope);
  const resolved = stages.map((stage, i) => {
    const parameter = stage.model.modelPackageParameter!;
    const stack = Stack.of(parameter);
    const account = literalOr(stack.account, home.account);
    const region = literalOr(stack.region, home.region);
    const crossAccount = differs(account, home.account);
    if (differs(region, home.region)) {
      errors.add(`stages[${i}]`, `the stack ${stack.node.path} in ${region}`, `a stack in the pipeline's Region (${home.region}): `
        + 'Step Functions calls CloudFormation in its own Region');
    }
    if (crossAccount && stage.trustedThroughBootstrap !== true) {
      errors.add(`stages[${i}].trustedThroughBootstrap`, stage.trustedThroughBootstrap, `true for the stack ${stack.node.path} in account `
        + `${account}: bootstrap that account with 'cdk bootstrap --trust ${home.account}' and set it, or the pipeline cannot deploy there`);
    }
    if (crossAccount && stage.smokeTest) {
      errors.add(`stages[${i}].smokeTest`, 'a smoke test in another account', 'a smoke test of a stage in the pipeline\'s account only (the '
        + 'bootstrap deploy role cannot invoke endpoints); test that stage from its own account');
    }
    const role = (kind: string) => `arn:${Aws.PARTITION}:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
    return {
      stageName: stage.stageName,
      production: stage.production === true,
      stack,
      stackName: stack.stackName,
      stackArn: `arn:${Aws.PARTITION}:cloudformation:${region}:${account}:stack/${stack.stackName}/*`,
      parameterKey: home.resolve(parameter.logicalId),
      cloudFormationRoleArn: stage.cloudFormationRole?.roleArn ?? role('cfn-exec'),
      credentialsRoleArn: crossAccount ? role('deploy') : undefined,
      smokeTest: stage.smokeTest,
    };
  });
  errors.throwIfAny();
  return resolved;
}

function literalOr(value: string, fallback: string): string {
  return Token.isUnresolved(value) ? fallback : value;
}

function differs(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}
