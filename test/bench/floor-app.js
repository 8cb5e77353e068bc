#!/usr/bin/env node
// The floor of the synth benchmark: an app with one S3 bucket, run the same way as the reference app
// (compiled JavaScript under node, with the project's cdk.json context and the built-in validator on).
'use strict';
const { App, Stack } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');

const app = new App();
new s3.Bucket(new Stack(app, 'FloorStack'), 'Bucket');
app.synth();
