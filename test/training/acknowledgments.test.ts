import { CfnResource, Validations } from 'aws-cdk-lib';
import { fixture, pipeline } from './fixtures';

function acknowledged(resource: CfnResource): Record<string, string> {
  return Object.assign({}, ...resource.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .map((m) => m.data));
}

test('acknowledges, on each role policy, exactly the wildcard resources the pipeline grants on purpose, with reasons', () => {
  const f = fixture();
  const p = pipeline(f, { jobNamePrefix: 'churn' });
  f.app.synth();
  const training = acknowledged(p.trainingRole.node.findChild('DefaultPolicy').node.defaultChild as CfnResource);
  expect(Object.keys(training).sort()).toEqual([
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::<Lakecurated363C5ACC.Arn>/churn/train/*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::<LakemodelsCABA3223.Arn>/training/churn/output/*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-????????-????-????-????-????????????/*]',
  ]);
  expect(training['AwsSolutions::AwsSolutions-IAM5[Resource::*]']).toMatch(/PutMetricData supports no resource-level permissions/);
  const machine = acknowledged(p.stateMachineRole.node.findChild('DefaultPolicy').node.defaultChild as CfnResource);
  expect(Object.keys(machine).sort()).toEqual([
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::<LakemodelsCABA3223.Arn>/training/churn/output/*]',
    'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/*]',
  ]);
  for (const reason of [...Object.values(training), ...Object.values(machine)]) {
    expect(reason.length).toBeGreaterThan(40);
  }
});
