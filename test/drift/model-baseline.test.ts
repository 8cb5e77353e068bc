import { Template } from 'aws-cdk-lib/assertions';
import { FEATURES, driftFixture } from './fixtures';
import { DriftMonitor } from '../../lib';

function scheduleInput(template: Template): any {
  const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
  const input = schedule.Properties.Target.Input;
  const text = typeof input === 'string' ? input : input['Fn::Join'][1].map((x: unknown) => (typeof x === 'string' ? x : 'REF')).join('');
  return JSON.parse(text);
}

/** Every statement of the policies of the roles whose path includes `fragment`. */
function statements(template: Template, fragment: string): any[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.includes(fragment))
    .flatMap(([, p]) => (p as any).Properties.PolicyDocument.Statement);
}

describe('a baseline that follows the deployed model', () => {
  test('tells the drift function to look for the deployed model\'s profile, and lets it find and read it only', () => {
    const f = driftFixture();
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      baselineFollowsModel: { modelsZone: f.lake.zone('models') },
    });
    const template = Template.fromStack(f.stack);
    expect(scheduleInput(template).modelBaseline).toEqual({ profileName: 'baseline-profile.json' });
    const drift = statements(template, 'drift');
    const find = (action: string) => drift.filter((s) => [s.Action].flat().includes(action));
    expect(find('sagemaker:DescribeEndpoint')).toHaveLength(1);
    expect(JSON.stringify(find('sagemaker:DescribeEndpoint')[0].Resource)).toContain(':endpoint/churn');
    expect(JSON.stringify(find('sagemaker:DescribeEndpointConfig')[0].Resource)).toContain(':endpoint-config/*');
    expect(JSON.stringify(find('sagemaker:DescribeModel')[0].Resource)).toContain(':model/*');
    // Read only: nothing that changes an endpoint, a configuration or a model.
    expect(drift.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('sagemaker:')).sort())
      .toEqual(['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel']);
    const reads = drift.filter((s) => JSON.stringify(s.Resource).includes('baseline-profile.json'));
    expect(reads.map((s) => s.Action)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(reads[0].Resource)).toMatch(/\/\*\/baseline-profile\.json".*\/baseline-profile\.json"/);
  });

  test('with a dataset, lets the profile function write a model\'s profile next to its artifacts', () => {
    const f = driftFixture();
    new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineDataset: { zone: f.lake.zone('features'), key: 'train.csv', header: true },
      baselineFollowsModel: { modelsZone: f.lake.zone('models'), profileName: 'drift-profile.json' },
    });
    const template = Template.fromStack(f.stack);
    const writes = statements(template, 'baselineprofile').filter((s) => JSON.stringify(s.Resource).includes('drift-profile.json'));
    expect(writes).toHaveLength(1);
    expect(writes[0].Action).toBe('s3:PutObject');
    expect(scheduleInput(template).modelBaseline).toEqual({ profileName: 'drift-profile.json' });
  });

  test('fails on a profile name that is not a file name', () => {
    const f = driftFixture();
    expect(() => new DriftMonitor(f.stack, 'Drift', {
      endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
      baselineFollowsModel: { modelsZone: f.lake.zone('models'), profileName: 'profiles/p.json' },
    })).toThrow(/Serve\/Drift.*baselineFollowsModel.profileName must be a file name of 1-255 letters, digits and . _ - \(no \/\), got 'profiles\/p.json'/);
  });

  test('without it, the drift function has no SageMaker permission', () => {
    const f = driftFixture();
    new DriftMonitor(f.stack, 'Drift', { endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' } });
    const drift = statements(Template.fromStack(f.stack), 'drift');
    expect(drift.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('sagemaker:'))).toEqual([]);
    expect(scheduleInput(Template.fromStack(f.stack)).modelBaseline).toBeUndefined();
  });
});
