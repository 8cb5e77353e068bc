#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildReferenceApp } from './reference-app';

const app = new App();
buildReferenceApp(app);
app.synth();
