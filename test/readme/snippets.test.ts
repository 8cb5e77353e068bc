import * as fs from 'fs';
import * as path from 'path';
import { checkSnippets, extractSnippets } from './snippets';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const readme = extractSnippets(README, 'README.md');

// A page of snippets with known mistakes, checked in the same program as the README (loading the library's types once is
// most of the cost): the check must find each, at its line, and nothing in the valid standalone snippet.
const BROKEN = [
  '# t', '```ts', "new DataLake(this, 'Lake', { noSuchProp: 1 });", '```', 'text', '```ts',
  "const x: number = 'a';", 'unknownName.go();', '```', '```ts', "import { DataLake } from 'cdk-mlops';",
  "import { Stack } from 'aws-cdk-lib';", "new DataLake(new Stack(), 'Lake');", '```',
].join('\n');
const broken = extractSnippets(BROKEN, 'broken.md');

const diagnostics = checkSnippets([...readme, ...broken]);

describe('the README', () => {
  test('has its TypeScript snippets found, each at the line of its fence', () => {
    expect(readme.length).toBeGreaterThanOrEqual(20);
    const lines = README.split('\n');
    for (const s of readme) expect(lines[s.line - 1]).toMatch(/^```ts/);
  });

  test('every TypeScript snippet compiles against the library (standalone, or in the fixture)', () => {
    const problems = diagnostics.filter((d) => d.source !== 'broken.md').map((d) => `${d.source}:${d.line}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  test('the check reports a wrong property, a wrong type and an unknown name at their lines', () => {
    const found = diagnostics.filter((d) => d.source === 'broken.md');
    expect(found.map((d) => d.line)).toEqual([3, 7, 8]);
    expect(found[0].message).toMatch(/noSuchProp/);
    expect(found[1].message).toMatch(/not assignable to type 'number'/);
    expect(found[2].message).toMatch(/Cannot find name 'unknownName'/);
  });
});
