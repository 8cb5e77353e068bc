import { spawnSync } from 'child_process';
import * as path from 'path';

// The example Spark scripts' transformations are pure Python functions (examples/spark/): run their unittest suite with the
// machine's python3, as the integration suite does for moto. The Spark parts (main()) need awsglue and pyspark, which are not
// installed here: they run on Glue only.
test('the pure transformations of the example Spark scripts pass their Python tests', () => {
  const dir = path.join(__dirname, '..', '..', 'examples', 'spark');
  const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', dir, '-v'], { encoding: 'utf-8' });
  expect({ status: run.status, tail: run.stderr.trim().split('\n').slice(-1)[0] }).toEqual({ status: 0, tail: 'OK' });
  expect(run.stderr).toMatch(/^Ran 10 tests in /m);
});
