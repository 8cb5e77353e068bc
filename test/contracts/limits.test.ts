import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fs from 'fs';
import { App } from 'aws-cdk-lib';
import { DriftMonitor } from '../../lib/drift';
import { FEATURES, driftFixture } from '../drift/fixtures';
import { testApp } from '../util';
import { LimitsInput, checkLimits } from './limits/limits';

// The limits checker: each limit on both sides of its boundary, and the hook that applies it to every synthesized app.
const ENV = 'aws://123456789012/us-east-1';
const stack = (resources: any, extra: any = {}, name = 'S'): LimitsInput =>
  ({ stackName: name, template: { Resources: resources, ...extra }, templateBytes: 1000, environment: ENV });
const alarm = (props: any) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, Threshold: 1, ...props } });
const metricQueries = (n: number) => [
  ...Array.from({ length: n }, (_v, i) => ({ Id: `m${i}`, ReturnData: false, MetricStat: { Metric: { Namespace: 'N', MetricName: `M${i}` }, Period: 60, Stat: 'Sum' } })),
  { Id: 'e', Expression: Array.from({ length: n }, (_v, i) => `m${i}`).join('+'), ReturnData: true },
];
const many = (n: number, make: (i: number) => any) => Object.fromEntries(Array.from({ length: n }, (_v, i) => [`R${i}`, make(i)]));

describe('the limits checker', () => {
  test('500 resources per template pass, 501 fail', () => {
    const topic = () => ({ Type: 'AWS::SNS::Topic' });
    expect(checkLimits([stack(many(500, topic))])).toEqual([]);
    expect(checkLimits([stack(many(501, topic))])).toEqual([expect.stringMatching(/^S: 501 resources; AWS allows at most 500 resources per template \(https:\/\/docs\.aws\.amazon\.com\/AWSCloudFormation/)]);
  });

  test('a template of 1,048,576 bytes passes, one more byte fails', () => {
    expect(checkLimits([{ ...stack({}), templateBytes: 1_048_576 }])).toEqual([]);
    expect(checkLimits([{ ...stack({}), templateBytes: 1_048_577 }])).toEqual([expect.stringContaining('1048577 bytes')]);
  });

  test('an alarm on 10 metrics passes, on 11 fails (the expression is not a metric)', () => {
    expect(checkLimits([stack({ A: alarm({ Metrics: metricQueries(10) }) })])).toEqual([]);
    expect(checkLimits([stack({ A: alarm({ Metrics: metricQueries(11) }) })])).toEqual([expect.stringContaining('S/A (AWS::CloudWatch::Alarm): 11 metrics')]);
  });

  test('alarm names of 255 characters pass, 256 fail', () => {
    expect(checkLimits([stack({ A: alarm({ AlarmName: 'a'.repeat(255) }) })])).toEqual([]);
    expect(checkLimits([stack({ A: alarm({ AlarmName: 'a'.repeat(256) }) })])).toEqual([expect.stringContaining('a name of 256 characters')]);
  });

  test('alarm names are unique per account and region, across stacks, with intrinsics resolved', () => {
    const named = { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'latency']] };
    expect(checkLimits([stack({ A: alarm({ AlarmName: named }) }, {}, 'One'), stack({ A: alarm({ AlarmName: named }) }, {}, 'Two')])).toEqual([]);
    const problems = checkLimits([stack({ A: alarm({ AlarmName: 'churn-latency' }) }, {}, 'One'), stack({ B: alarm({ AlarmName: 'churn-latency' }) }, {}, 'Two')]);
    expect(problems).toEqual([expect.stringContaining('Two/B (AWS::CloudWatch::Alarm): alarm name \'churn-latency\' is also used by One/A')]);
    const otherRegion = { ...stack({ B: alarm({ AlarmName: 'churn-latency' }) }, {}, 'Two'), environment: 'aws://123456789012/eu-west-1' };
    expect(checkLimits([stack({ A: alarm({ AlarmName: 'churn-latency' }) }, {}, 'One'), otherRegion])).toEqual([]);
  });

  test('alarm descriptions of 1024 characters and 5 actions pass; 1025 characters or 6 actions fail', () => {
    const actions = (n: number) => Array.from({ length: n }, (_v, i) => `arn:aws:sns:us-east-1:123456789012:t${i}`);
    expect(checkLimits([stack({ A: alarm({ AlarmDescription: 'd'.repeat(1024), AlarmActions: actions(5) }) })])).toEqual([]);
    expect(checkLimits([stack({ A: alarm({ AlarmDescription: 'd'.repeat(1025), OKActions: actions(6) }) })])).toEqual([
      expect.stringContaining('a description of 1025 characters'), expect.stringContaining('6 OKActions'),
    ]);
  });

  test('dashboards: at most 500 widgets, and names unique in the account', () => {
    const body = (n: number) => JSON.stringify({ widgets: Array.from({ length: n }, () => ({ type: 'metric', properties: { metrics: [['N', 'M']] } })) });
    const dash = (n: number, name?: string) => ({ Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: body(n), DashboardName: name } });
    expect(checkLimits([stack({ D: dash(500, 'churn') })])).toEqual([]);
    expect(checkLimits([stack({ D: dash(501) })])).toEqual([expect.stringContaining('501 widgets')]);
    const otherRegion = { ...stack({ D: dash(1, 'churn') }, {}, 'Two'), environment: 'aws://123456789012/eu-west-1' };
    expect(checkLimits([stack({ D: dash(1, 'churn') }, {}, 'One'), otherRegion])).toEqual([expect.stringContaining('name \'churn\' is also used by One/D')]);
  });

  test('endpoint configurations: 10 variants pass, 11 fail', () => {
    const config = (n: number) => ({ Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: Array.from({ length: n }, (_v, i) => ({ VariantName: `v${i}` })) } });
    expect(checkLimits([stack({ C: config(10) })])).toEqual([]);
    expect(checkLimits([stack({ C: config(11) })])).toEqual([expect.stringContaining('11 production variants')]);
  });

  test('SageMaker names: 63 characters pass, 64 or a leading hyphen fail', () => {
    const endpoint = (name: string) => ({ Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointName: name, EndpointConfigName: 'c' } });
    const group = (name: string) => ({ Type: 'AWS::SageMaker::ModelPackageGroup', Properties: { ModelPackageGroupName: name } });
    expect(checkLimits([stack({ E: endpoint('e'.repeat(63)), G: group('g'.repeat(63)) })])).toEqual([]);
    expect(checkLimits([stack({ E: endpoint('e'.repeat(64)), G: group('-churn') })])).toEqual([
      expect.stringContaining('EndpointName'), expect.stringContaining('ModelPackageGroupName \'-churn\''),
    ]);
  });

  test('training jobs in a state machine: 100 hyperparameters and 28 days pass; 101, or a day more, fail', () => {
    const machine = (hp: number, runtime: number) => ({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: JSON.stringify({
          StartAt: 'Train',
          States: {
            Train: {
              Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', End: true,
              Arguments: { HyperParameters: Object.fromEntries(Array.from({ length: hp }, (_v, i) => [`p${i}`, '1'])), StoppingCondition: { MaxRuntimeInSeconds: runtime } },
            },
          },
        }),
      },
    });
    expect(checkLimits([stack({ M: machine(100, 2_419_200) })])).toEqual([]);
    expect(checkLimits([stack({ M: machine(101, 2_419_201) })])).toEqual([
      expect.stringContaining('HyperParameters: 101 entries'), expect.stringContaining('MaxRuntimeInSeconds 2419201'),
    ]);
  });

  test('export names are unique per account and region', () => {
    const out = { Outputs: { O: { Value: 'v', Export: { Name: 'lake-key' } } } };
    expect(checkLimits([stack({}, out, 'One'), stack({}, out, 'Two')])).toEqual([expect.stringContaining('export \'lake-key\' is also exported by One/O')]);
  });
});

/** The problems of an app's templates, without the hook's allowance for known defects. */
function limitsOf(app: App): string[] {
  return checkLimits(app.synth().stacksRecursively.map((s) => ({
    stackName: s.stackName, template: s.template, templateBytes: fs.statSync(s.templateFullPath).size, environment: s.environment.name,
  })));
}

describe('alarm names of two constructs of one kind on one endpoint (#12 item 6, formerly a known limit defect)', () => {
  test('two DriftMonitors on one endpoint in a stack have distinct alarm names', () => {
    const f = driftFixture();
    for (const id of ['A', 'B']) {
      new DriftMonitor(f.stack, id, { endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: `${id}.json` } });
    }
    expect(limitsOf(f.app)).toEqual([]);
  });
});

describe('the hook that applies the checker to every synthesized app (setupFilesAfterEnv)', () => {
  test('fails the synth of an app with an alarm over 10 metrics, naming the limit and the stack', () => {
    const app = testApp();
    const s = new Stack(app, 'Over', { env: { account: '123456789012', region: 'us-east-1' } });
    // (aws-cloudwatch's L2 refuses 11 metrics itself; an L1, or a construct that renders its own, does not.)
    new cloudwatch.CfnAlarm(s, 'Alarm', {
      comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, threshold: 1,
      metrics: Array.from({ length: 11 }, (_v, i) => ({ id: `m${i}`, metricStat: { metric: { namespace: 'N', metricName: `M${i}` }, period: 60, stat: 'Sum' } })),
    });
    expect(() => app.synth()).toThrow(/Over\/Alarm.*: 11 metrics; AWS allows at most 10 metrics in a metric-math alarm/);
  });
});
