import * as fs from 'fs';
import { Stage } from 'aws-cdk-lib';
import { KNOWN_LIMIT_DEFECTS } from './known-defects';
import { checkLimits } from './limits';

/**
 * Applies the limits checker to every cloud assembly the test suite synthesizes, at no extra synth: `Stage.synth` is wrapped
 * (jest `setupFilesAfterEnv`), and each assembly it returns is checked once. A template over an AWS limit fails the test that
 * synthesized it, naming the stack, the resource, the value, the limit and the AWS page.
 */
const checked = new WeakSet<object>();
const synth = Stage.prototype.synth;

Stage.prototype.synth = function synthAndCheckLimits(this: Stage, ...args: Parameters<Stage['synth']>) {
  const assembly = synth.apply(this, args);
  if (!checked.has(assembly)) {
    checked.add(assembly);
    const problems = checkLimits(assembly.stacksRecursively.map((s) => ({
      stackName: s.stackName,
      template: s.template,
      templateBytes: fs.statSync(s.templateFullPath).size,
      environment: s.environment.name,
    }))).filter((p) => !KNOWN_LIMIT_DEFECTS.some((d) => d.problem.test(p)));
    if (problems.length > 0) {
      throw new Error(`The synthesized templates exceed AWS limits (test/contracts/limits):\n${problems.join('\n')}`);
    }
  }
  return assembly;
};
