// Runs npm scripts at once and fails if any fails: `node scripts/run-parallel.js typecheck lint`.
// `npm test` runs the type check and the lint side by side (each uses one core; the machine has two) before jest.
// Each script's output is printed whole when it ends, so that two reports never interleave.
const { spawn } = require('child_process');

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/run-parallel.js SCRIPT [SCRIPT...]');
  process.exit(2);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
Promise.all(names.map((name) => new Promise((resolve) => {
  const child = spawn(npm, ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  child.on('close', (code, signal) => {
    const text = Buffer.concat(out).toString();
    if (text) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    if (code !== 0) console.error(`npm run ${name} failed (${signal ?? `exit ${code}`})`);
    resolve(code === 0);
  });
}))).then((ok) => process.exit(ok.every(Boolean) ? 0 : 1));
