import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { servingFixture } from './fixtures';
import { DeploymentPolicy, ModelEndpoint } from '../../lib/serving';

// The time limit of a deployment must cover every wait SageMaker makes: each bake (canary: the canary and the final bake;
// linear: one per step; rolling: one per batch), the termination wait, and 10 minutes per fleet (or batch) provisioned.
// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html: "the timeout value should be larger
// than the total waiting time specified in TerminationWaitInSeconds and WaitIntervalInSeconds".

function deploy(deployment: DeploymentPolicy): Template {
  const f = servingFixture();
  new ModelEndpoint(f.stack, 'Churn', { variants: [{ name: 'champion', model: f.champion, instanceCount: 4 }], deployment });
  return Template.fromStack(f.stack);
}

const limit = (seconds: number) => ({ maximumExecutionTime: Duration.seconds(seconds) });

describe.each([
  {
    policy: 'canary, 10-minute bake',
    at: (s: number) => DeploymentPolicy.canary({ bake: Duration.minutes(10), ...limit(s) }),
    need: 1800,
    why: 'the canary bake and the final bake (600 s each), terminationWait (0 s) and 10 minutes to provision the new fleet',
  },
  {
    policy: 'canary, 5-minute bake and 15-minute termination wait',
    at: (s: number) => DeploymentPolicy.canary({ bake: Duration.minutes(5), terminationWait: Duration.minutes(15), ...limit(s) }),
    need: 2100,
    why: 'the canary bake and the final bake (300 s each), terminationWait (900 s) and 10 minutes to provision the new fleet',
  },
  {
    policy: 'linear, 5 steps of 20% with 5-minute bakes',
    at: (s: number) => DeploymentPolicy.linear({ step: 20, bake: Duration.minutes(5), ...limit(s) }),
    need: 2100,
    why: 'a bake after each of the 5 steps of 20% (300 s each), terminationWait (0 s) and 10 minutes to provision the new fleet',
  },
  {
    policy: 'linear, 4 steps of 30% (the last one 10%)',
    at: (s: number) => DeploymentPolicy.linear({ step: 30, bake: Duration.minutes(5), ...limit(s) }),
    need: 1800,
    why: 'a bake after each of the 4 steps of 30% (300 s each), terminationWait (0 s) and 10 minutes to provision the new fleet',
  },
  {
    policy: 'all at once, 5-minute bake and 10-minute termination wait',
    at: (s: number) => DeploymentPolicy.allAtOnce({ bake: Duration.minutes(5), terminationWait: Duration.minutes(10), ...limit(s) }),
    need: 1500,
    why: 'the bake (300 s), terminationWait (600 s) and 10 minutes to provision the new fleet',
  },
  {
    policy: 'rolling, 4 batches of 25%',
    at: (s: number) => DeploymentPolicy.rolling({ batch: 25, bake: Duration.minutes(5), ...limit(s) }),
    need: 3600,
    why: 'a bake after each of the 4 batches of 25% (300 s each) and 10 minutes to provision each batch',
  },
])('the maximum execution time of $policy', ({ at, need, why }) => {
  test(`is accepted at ${need} seconds and rendered`, () => {
    const config = Object.values(deploy(at(need)).findResources('AWS::SageMaker::Endpoint'))[0].Properties.DeploymentConfig;
    const policy = config.BlueGreenUpdatePolicy ?? config.RollingUpdatePolicy;
    expect(policy.MaximumExecutionTimeoutInSeconds).toBe(need);
  });

  test(`fails at ${need - 1} seconds, naming each wait`, () => {
    const human = Duration.seconds(need - 1).toHumanString();
    expect(() => deploy(at(need - 1))).toThrow(`ModelEndpoint Serve/Churn: deployment.maximumExecutionTime must be at least ${need} seconds: ${why}, got ${human}`);
  });
});
