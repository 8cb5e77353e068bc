import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AbExperiment, DriftMonitor } from '../../lib';
import { FEATURES, driftFixture } from '../drift/fixtures';
import { experimentFixture } from '../experiments/fixtures';

// Every construct that takes a schedule checks it with the one helper, so a bad cron fails the same way everywhere.
const BAD = [
  ['cron(0 25 * * ? *)', "the hours field '25' is not valid (0-23)"],
  ['cron(0 * * * * *)', "exactly one of day-of-month and day-of-week must be '?'"],
];

function drift(expression: string): void {
  const f = driftFixture();
  new DriftMonitor(f.stack, 'Drift', {
    endpoint: f.endpoint, features: FEATURES, baselineProfile: { zone: f.lake.zone('features'), key: 'p.json' },
    schedule: scheduler.ScheduleExpression.expression(expression),
  });
}

function experiment(expression: string): void {
  const f = experimentFixture();
  new AbExperiment(f.stack, 'Exp', {
    endpoint: f.endpoint, championVariant: 'champion', challengerVariant: 'challenger',
    schedule: scheduler.ScheduleExpression.expression(expression),
  });
}

describe.each(BAD)('the schedule %s', (expression, problem) => {
  const message = (kind: string, path: string) => `${kind} ${path}: schedule must be a rate(...) or a cron(minutes hours day-of-month month `
    + `day-of-week year) with '?' in one of the day fields; ${problem}, got '${expression}'`;

  test('fails a DriftMonitor', () => {
    expect(() => drift(expression)).toThrow(message('DriftMonitor', 'Serve/Drift'));
  });

  test('fails an AbExperiment', () => {
    expect(() => experiment(expression)).toThrow(message('AbExperiment', 'Serve/Exp'));
  });
});
