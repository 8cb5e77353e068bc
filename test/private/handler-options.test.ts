import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DriftMonitor, HandlerOptions } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';

function monitor(handlerOptions: (stack: Stack) => HandlerOptions | undefined, id = 'Drift') {
  const { lake, endpoint, stack } = driftFixture();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  (stack as any).vpc = vpc;
  new DriftMonitor(stack, id, {
    endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'churn/profile.json' },
    handlerOptions: handlerOptions(stack),
  });
  return { stack, lake, endpoint, vpc };
}
const vpcOf = (stack: Stack) => (stack as any).vpc as ec2.Vpc;

test('handlerOptions place the drift function in the VPC with reserved concurrency, and its role may manage its interfaces', () => {
  const { stack } = monitor((s) => ({ vpc: vpcOf(s), reservedConcurrentExecutions: 2 }));
  const t = Template.fromStack(stack);
  const subnets = vpcOf(stack).privateSubnets.map((sn) => stack.resolve(sn.subnetId));
  t.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('drift statistics'),
    ReservedConcurrentExecutions: 2,
    VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [Match.anyValue()] },
  });
  t.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([{
      Effect: 'Allow',
      Action: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'],
      Resource: '*',
    }]) },
  });
  // No managed policy (the CDK adds AWSLambdaVPCAccessExecutionRole only to roles it defines).
  const role = Object.values(t.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the cdk-mlops drift handler' } }))[0] as any;
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
});

test('without handlerOptions the function has no VPC and no reserved concurrency', () => {
  const { stack } = monitor(() => undefined);
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('drift statistics') },
  }))[0] as any;
  expect(fn.Properties.VpcConfig).toBeUndefined();
  expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
});

test.each([
  ['reserved concurrency 0', () => ({ reservedConcurrentExecutions: 0 }), /handlerOptions.reservedConcurrentExecutions must be a whole number >= 1.*got 0/],
  ['reserved concurrency 1.5', () => ({ reservedConcurrentExecutions: 1.5 }), /reservedConcurrentExecutions must be a whole number >= 1.*got 1.5/],
  ['reserved concurrency as a string', () => ({ reservedConcurrentExecutions: '5' as any }), /reservedConcurrentExecutions must be .*got '5'/],
  ['subnets without a VPC', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }), /handlerOptions.vpcSubnets must be left out without handlerOptions.vpc/],
  ['security groups without a VPC', (s: Stack) => ({ securityGroups: [new ec2.SecurityGroup(s, 'Sg', { vpc: vpcOf(s) })] }), /handlerOptions.securityGroups must be left out without handlerOptions.vpc/],
  ['no security group', (s: Stack) => ({ vpc: vpcOf(s), securityGroups: [] }), /handlerOptions.securityGroups must be 1 to 5 security groups/],
  ['6 security groups', (s: Stack) => ({ vpc: vpcOf(s), securityGroups: [1, 2, 3, 4, 5, 6].map((i) => new ec2.SecurityGroup(s, `Sg${i}`, { vpc: vpcOf(s) })) }), /handlerOptions.securityGroups must be 1 to 5/],
  ['public subnets', (s: Stack) => ({ vpc: vpcOf(s), vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }), /handlerOptions.vpcSubnets must be private or isolated subnets/],
  ['a subnet type the VPC lacks', (s: Stack) => ({ vpc: vpcOf(s), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /handlerOptions.vpcSubnets must be a selection of subnets the VPC has/],
])('rejects %s at synth, naming the monitor', (_name, options, message) => {
  expect(() => monitor(options as any)).toThrow(/DriftMonitor Serve\/Drift/);
  expect(() => monitor(options as any)).toThrow(message);
});

test.each([
  ['reserved concurrency 1', () => ({ reservedConcurrentExecutions: 1 })],
  ['5 security groups', (s: Stack) => ({ vpc: vpcOf(s), securityGroups: [1, 2, 3, 4, 5].map((i) => new ec2.SecurityGroup(s, `Sg${i}`, { vpc: vpcOf(s) })) })],
])('accepts %s', (_name, options) => {
  expect(() => monitor(options as any)).not.toThrow();
});

test('a second monitor of the stack with other handlerOptions is rejected, naming the first', () => {
  const { stack, lake, endpoint, vpc } = monitor((s) => ({ vpc: vpcOf(s) }));
  expect(() => new DriftMonitor(stack, 'Drift2', {
    endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'churn/profile2.json' },
    handlerOptions: { vpc, reservedConcurrentExecutions: 3 },
  })).toThrow(/DriftMonitor Serve\/Drift2: handlerOptions must be the options of the stack's drift function, which DriftMonitor Serve\/Drift defined with VPC/);
});

test('a second monitor asking for a VPC after the first defined the function without one is rejected', () => {
  const { stack, lake, endpoint, vpc } = monitor(() => undefined);
  expect(() => new DriftMonitor(stack, 'Drift2', {
    endpoint, features: FEATURES, baselineProfile: { zone: lake.zone('features'), key: 'churn/profile2.json' },
    handlerOptions: { vpc },
  })).toThrow(/DriftMonitor Serve\/Drift2: handlerOptions must be the options of the stack's drift function, which DriftMonitor Serve\/Drift defined with no VPC, unreserved concurrency/);
});
