import { ContractApp } from './harness/apps';
import { describeIamContract } from './harness/run';
import { SERVING_APPS, SERVING_CONTRACT, rollbackAlarmNames, servingSubject } from './tables/serving-stack';

// The serving side's contracts (models, drift, model quality, baseline profiles, A/B experiments, schedulers, alarm and event
// publishing), over the reference app and the drift monitor's and A/B experiment's minimal and full configurations.
const apps = Object.entries(SERVING_APPS).map(([label, build]) => {
  const spec = build();
  const app = new ContractApp(label, spec.app);
  return { app, subject: servingSubject(app, spec) };
});

describeIamContract('serving', apps, SERVING_CONTRACT);

// SageMaker reads rollback alarms with DescribeAlarms on their names, which returns metric alarms only unless AlarmTypes asks for
// composites, and composites only to a caller allowed DescribeAlarms on '*'
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html): every alarm in AutoRollbackConfiguration
// must be a metric alarm that the app defines.
describe.each(apps.map((a) => [a.app.label, a] as const))('the rollback alarms of the %s', (_label, { app, subject }) => {
  test('are metric alarms the app defines, and there is at least one', () => {
    const metricAlarms = new Set<string>();
    const composites = new Set<string>();
    for (const r of app.resolver.resources()) {
      // An alarm's Ref is its name.
      if (r.type === 'AWS::CloudWatch::Alarm') {
        metricAlarms.add(app.resolver.resolveString(r.stackName, { Ref: r.logicalId }));
      } else if (r.type === 'AWS::CloudWatch::CompositeAlarm') {
        composites.add(app.resolver.resolveString(r.stackName, { Ref: r.logicalId }));
      }
    }
    const names = rollbackAlarmNames(app, subject.spec.endpoint);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => composites.has(n))).toEqual([]);
    expect(names.filter((n) => !metricAlarms.has(n))).toEqual([]);
  });
});
