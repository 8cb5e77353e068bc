const serializer = require('./asset-hash-serializer');

test('masks asset hashes and keeps the rest of the string', () => {
  const hash = 'a'.repeat(64);
  expect(serializer.test(`${hash}.zip`)).toBe(true);
  expect(serializer.serialize(`s3://bucket/${hash}.zip`)).toBe('"s3://bucket/<asset-hash>.zip"');
  expect(serializer.test('arn:aws:s3:::bucket')).toBe(false);
});
