import { Duration, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceType } from '@aws-cdk/aws-sagemaker-alpha';
import {
  fullRecommendationProps, minimalRecommendationProps, PACKAGE_ARN, recommendationBase, recommendationFixture,
} from './recommendation-fixtures';
import { InferenceRecommendation, LatencyPercentile, RecommendationJobType } from '../../lib/loadtest';
import { testApp } from '../util';

const minimal = recommendationFixture();
const minimalTemplate = Template.fromStack(minimal.stack);
const fullBase = recommendationBase(testApp());
const full = new InferenceRecommendation(fullBase.stack, 'RightSizing', fullRecommendationProps(fullBase));
const fullTemplate = Template.fromStack(fullBase.stack);

function definition(template: Template, stack: any): any {
  const sm = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const joined = stack.resolve(sm.Properties.DefinitionString)['Fn::Join'][1].map((x: any) => (typeof x === 'string' ? x : 'X')).join('');
  return { sm, asl: JSON.parse(joined) };
}
function statementsOf(template: Template, stack: any, role: any): any[] {
  const id = stack.resolve(role.node.defaultChild.logicalId);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === id))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('InferenceRecommendation', () => {
  test('defines one state machine, traced and logged, whose timeout covers every poll plus ten minutes', () => {
    minimalTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const { sm } = definition(minimalTemplate, minimal.stack);
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
    // 2 hours of job: 120 polls, plus 60 for the endpoints' setup and teardown.
    expect(minimal.recommendation.maxPolls).toBe(180);
    expect(full.maxPolls).toBe(120);
  });

  test('sends a DEFAULT request with the package, the job duration, the sample payload in the lake and MaxInvocations', () => {
    const { asl } = definition(minimalTemplate, minimal.stack);
    const create = asl.States.CreateJob;
    expect(create.Resource).toMatch(/:states:::aws-sdk:sagemaker:createInferenceRecommendationsJob$/);
    expect(create.Arguments).toEqual({
      JobName: '{% $jobName %}', JobType: 'Default', RoleArn: 'X', JobDescription: 'cdk-mlops: Serve/RightSizing',
      InputConfig: {
        ModelPackageVersionArn: PACKAGE_ARN, JobDurationInSeconds: 7200,
        ContainerConfig: { PayloadConfig: { SamplePayloadUrl: 's3://X/recommender/churn/payload.tar.gz' } },
      },
      StoppingConditions: { MaxInvocations: 3000 },
    });
  });

  test('sends an ADVANCED request with the phases as users, the instance types, the p95 threshold and the resource limit', () => {
    const { asl } = definition(fullTemplate, fullBase.stack);
    const args = asl.States.CreateJob.Arguments;
    expect(args.JobType).toBe('Advanced');
    expect(args.InputConfig).toEqual({
      ModelPackageVersionArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3',
      JobDurationInSeconds: 3600,
      ContainerConfig: { Domain: 'MACHINE_LEARNING', Task: 'CLASSIFICATION',
        PayloadConfig: { SamplePayloadUrl: 's3://X/recommender/churn/payload.tar.gz', SupportedContentTypes: ['text/csv'] } },
      EndpointConfigurations: [{ InstanceType: 'ml.c5.xlarge' }, { InstanceType: 'ml.m5.xlarge' }, { InstanceType: 'ml.g4dn.xlarge' }],
      TrafficPattern: { TrafficType: 'PHASES', Phases: [
        { InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: 120 },
        { InitialNumberOfUsers: 3, SpawnRate: 5, DurationInSeconds: 600 },
        { InitialNumberOfUsers: 3, SpawnRate: 20, DurationInSeconds: 300 },
      ] },
      ResourceLimit: { MaxNumberOfTests: 3, MaxParallelOfTests: 2 },
    });
    expect(args.StoppingConditions).toEqual({ MaxInvocations: 6000, ModelLatencyThresholds: [{ Percentile: 'P95', ValueInMilliseconds: 250 }] });
    expect(asl.States.NameJob.Assign.jobName).toBe('{% "churn-rightsize" & "-" & $uuid() %}');
    expect(full.reportUri).toMatch(/\/recommendations\/churn\/$/);
  });

  test('gives the state machine role exactly the job, package, pass-role, report, topic and key calls', () => {
    const statements = statementsOf(fullTemplate, fullBase.stack, full.stateMachine.role);
    const resolve = (x: any) => fullBase.stack.resolve(x);
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['sagemaker:CreateInferenceRecommendationsJob', 'sagemaker:DescribeInferenceRecommendationsJob', 'sagemaker:StopInferenceRecommendationsJob'],
        Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/churn-rightsize-*' },
      { Action: 'sagemaker:DescribeModelPackage', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3' },
      { Action: 'iam:PassRole', Effect: 'Allow', Resource: resolve(full.jobRole.roleArn),
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: resolve(fullBase.topic.topicArn) },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: resolve(fullBase.topic.masterKey!.keyArn) },
    ]));
    const sagemaker = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemaker).toHaveLength(2);
  });

  test('gives the job role the benchmark resources by the job name prefix only, and no managed policy', () => {
    const statements = statementsOf(fullTemplate, fullBase.stack, full.jobRole);
    const arn = (r: string) => `arn:aws:sagemaker:us-east-1:123456789012:${r}/churn-rightsize-*`;
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:DescribeModel'], Effect: 'Allow', Resource: arn('model') },
      { Action: ['sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:DescribeEndpointConfig'],
        Effect: 'Allow', Resource: arn('endpoint-config') },
      { Action: ['sagemaker:CreateEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'],
        Effect: 'Allow', Resource: arn('endpoint') },
      { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/InferenceRecommendationsJobs' } } },
    ]));
    const role = Object.values(fullTemplate.findResources('AWS::IAM::Role'))
      .find((r: any) => JSON.stringify(r).includes('Inference Recommender jobs churn-rightsize-*')) as any;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow',
      Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }]);
  });

  test('lets a token through as the package ARN', () => {
    const f = recommendationBase(testApp());
    expect(() => new InferenceRecommendation(f.stack, 'R', { ...minimalRecommendationProps(f), modelPackageArn: Token.asString({ Ref: 'Pkg' }) })).not.toThrow();
  });
});

describe('InferenceRecommendation bad input', () => {
  const build = (props: any) => () => {
    const f = recommendationBase(testApp());
    return new InferenceRecommendation(f.stack, 'RightSizing', { ...minimalRecommendationProps(f), ...props });
  };
  const advanced = (props: any = {}) => build({
    jobType: RecommendationJobType.ADVANCED, instanceTypes: [InstanceType.C5_XLARGE], maxDuration: Duration.hours(1),
    trafficPhases: [{ initialUsers: 1, spawnRate: 2, duration: Duration.minutes(5) }], ...props,
  });

  test('an ADVANCED job with phases and instance types synthesizes', () => {
    expect(advanced()).not.toThrow();
  });

  test('fails when a DEFAULT job has traffic phases, naming the construct, the property and what is allowed', () => {
    expect(build({ trafficPhases: [{ initialUsers: 1, spawnRate: 1, duration: Duration.minutes(2) }] }))
      .toThrow(/InferenceRecommendation Serve\/RightSizing: trafficPhases must be absent for a DEFAULT job .*got \[/);
  });

  test('fails when an ADVANCED job has no phases or no instance types', () => {
    expect(advanced({ trafficPhases: undefined })).toThrow(/trafficPhases must be at least one phase for an ADVANCED job/);
    expect(advanced({ trafficPhases: [] })).toThrow(/trafficPhases must be at least one phase/);
    expect(advanced({ instanceTypes: undefined })).toThrow(/instanceTypes must be the instance types to load-test \(1 to 10\) for an ADVANCED job/);
  });

  test('fails on 0, negative or more than 3 initial users, a negative spawn rate, and a phase under 120 or over 3600 seconds', () => {
    const phase = (p: any) => advanced({ trafficPhases: [{ initialUsers: 1, spawnRate: 1, duration: Duration.minutes(5), ...p }] });
    expect(phase({ initialUsers: 0 })).toThrow(/trafficPhases\[0\]\.initialUsers must be a whole number of concurrent users from 1 to 3 .*got 0/);
    expect(phase({ initialUsers: -1 })).toThrow(/initialUsers .*got -1/);
    expect(phase({ initialUsers: 4 })).toThrow(/initialUsers .*got 4/);
    expect(phase({ initialUsers: 3 })).not.toThrow();
    expect(phase({ spawnRate: -1 })).toThrow(/trafficPhases\[0\]\.spawnRate must be a whole number of new users per minute >= 0 .*got -1/);
    expect(phase({ spawnRate: 0 })).not.toThrow();
    expect(phase({ duration: Duration.seconds(0) })).toThrow(/trafficPhases\[0\]\.duration must be a whole number of seconds from 120 to 3600 .*got 0/);
    expect(phase({ duration: Duration.seconds(119) })).toThrow(/trafficPhases\[0\]\.duration/);
    expect(phase({ duration: Duration.seconds(120) })).not.toThrow();
    expect(phase({ duration: Duration.seconds(3601) })).toThrow(/trafficPhases\[0\]\.duration .*got 1 hour 1 second/);
  });

  test('fails when the job duration is above the API maximum (18,000 s), missing, or shorter than the phases', () => {
    expect(build({ maxDuration: Duration.seconds(18_001) })).toThrow(/maxDuration must be a whole number of seconds from 1 to 18000 .*got 5 hours 1 second/);
    expect(build({ maxDuration: Duration.seconds(18_000) })).not.toThrow();
    expect(build({ maxDuration: undefined })).toThrow(/maxDuration must be the longest a job may run/);
    const phases = [1, 2].map(() => ({ initialUsers: 1, spawnRate: 1, duration: Duration.minutes(30) }));
    expect(advanced({ trafficPhases: phases, maxDuration: Duration.seconds(3599) }))
      .toThrow(/maxDuration must be at least the 3600 seconds of the traffic phases/);
    expect(advanced({ trafficPhases: phases, maxDuration: Duration.seconds(3600) })).not.toThrow();
  });

  test('fails without max invocations, or with max invocations below 1 or fractional', () => {
    expect(build({ stoppingConditions: undefined })).toThrow(/stoppingConditions must be the stopping conditions with maxInvocationsPerMinute|stoppingConditions must be stopping/);
    expect(build({ stoppingConditions: {} })).toThrow(/stoppingConditions\.maxInvocationsPerMinute must be a whole number of requests per minute >= 1 .*got undefined/);
    expect(build({ stoppingConditions: { maxInvocationsPerMinute: 0 } })).toThrow(/maxInvocationsPerMinute .*got 0/);
    expect(build({ stoppingConditions: { maxInvocationsPerMinute: 1.5 } })).toThrow(/maxInvocationsPerMinute .*got 1.5/);
    expect(build({ stoppingConditions: { maxInvocationsPerMinute: 1 } })).not.toThrow();
  });

  test('fails when the latency threshold is out of range, fractional in ms, or P99 on an ADVANCED job', () => {
    const stop = (s: any) => ({ stoppingConditions: { maxInvocationsPerMinute: 100, ...s } });
    expect(build(stop({ maxModelLatency: Duration.millis(0) }))).toThrow(/stoppingConditions\.maxModelLatency must be a whole number of milliseconds > 0 and at most 60 seconds/);
    expect(build(stop({ maxModelLatency: Duration.seconds(61) }))).toThrow(/maxModelLatency .*got 1 minute 1 second/);
    expect(build(stop({ maxModelLatency: Duration.seconds(60) }))).not.toThrow();
    expect(build(stop({ maxModelLatency: Duration.millis(1) }))).not.toThrow();
    expect(build(stop({ maxModelLatency: Duration.millis(0.5) }))).toThrow(/maxModelLatency/);
    expect(build(stop({ maxModelLatency: Duration.millis(100), latencyPercentile: LatencyPercentile.P99 }))).not.toThrow();
    expect(advanced(stop({ maxModelLatency: Duration.millis(100), latencyPercentile: LatencyPercentile.P99 })))
      .toThrow(/stoppingConditions\.latencyPercentile must be 'P95' for an ADVANCED job .*got 'P99'/);
    expect(build(stop({ latencyPercentile: 'P50' }))).toThrow(/latencyPercentile must be one of \['P95', 'P99'\], got 'P50'/);
  });

  test('fails when the sample payload is outside the lake: a URI, .., a leading slash, a wildcard, a folder or nothing', () => {
    for (const key of ['s3://other-bucket/payload.tar.gz', 'recommender/../../raw/payload.tar.gz', '/payload.tar.gz', 'payload-*.tar.gz', 'recommender/', '']) {
      expect(build({ samplePayloadKey: key })).toThrow(/samplePayloadKey must be an (object key inside the curated zone|S3 object key)/);
    }
  });

  test('fails on instance types the catalog does not know, duplicates, or more than 10', () => {
    expect(advanced({ instanceTypes: [InstanceType.of('ml.c5.huge')] })).toThrow(/instanceTypes\[0\] must be a SageMaker real-time hosting instance type .*got 'ml.c5.huge'/);
    expect(advanced({ instanceTypes: [InstanceType.of('ml.zz9.xlarge')] })).toThrow(/instanceTypes\[0\]/);
    expect(advanced({ instanceTypes: [InstanceType.C5_XLARGE, InstanceType.C5_XLARGE] })).toThrow(/instanceTypes\[1\] must be an instance type listed once/);
    const eleven = ['c5', 'm5', 'r5', 'c6i', 'm6i', 'r6i', 'c7i', 'm7i', 'r7i', 'g5', 'g4dn'].map((f) => InstanceType.of(`ml.${f}.xlarge`));
    expect(advanced({ instanceTypes: eleven })).toThrow(/instanceTypes must be 1 to 10 instance types/);
    expect(advanced({ instanceTypes: eleven.slice(0, 10) })).not.toThrow();
    expect(advanced({ instanceTypes: [] })).toThrow(/instanceTypes must be 1 to 10/);
  });

  test('fails on a package ARN that is not a versioned model package, and on a bad job name prefix', () => {
    expect(build({ modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn' }))
      .toThrow(/modelPackageArn must be the ARN of a versioned model package/);
    expect(build({ modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn' })).toThrow(/modelPackageArn/);
    expect(build({ jobNamePrefix: 'Churn_Rightsize' })).toThrow(/jobNamePrefix must be 1-26 lowercase letters/);
    expect(build({ jobNamePrefix: 'a'.repeat(27) })).toThrow(/jobNamePrefix/);
    expect(build({ jobNamePrefix: 'a'.repeat(26) })).not.toThrow();
  });

  test('fails on test limits below 1, or more parallel tests than tests', () => {
    expect(build({ maxTests: 0 })).toThrow(/maxTests must be a whole number >= 1, got 0/);
    expect(build({ maxTests: 2, maxParallelTests: 3 })).toThrow(/maxParallelTests must be at most maxTests \(2\), got 3/);
  });

  test('fails when the artifacts prefix has no zone or the zone no prefix', () => {
    expect(build({ artifactsPrefix: 'churn/' })).toThrow(/artifactsPrefix must be set with artifactsZone/);
    expect(build((() => { const f = recommendationBase(testApp()); return { artifactsZone: f.lake.zone('models') }; })()))
      .toThrow(/artifactsPrefix must be a key prefix inside the models zone/);
  });

  test('collects several problems into one error', () => {
    expect(build({ maxTests: 0, stoppingConditions: { maxInvocationsPerMinute: 0 }, samplePayloadKey: '' })).toThrow(/3 problems/);
  });
});
