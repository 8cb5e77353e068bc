// `@aws/cloudformation-validate` for code under test: the worker's one copy (test/worker/environment.js explains why).
'use strict';
module.exports = globalThis.__cdkMlopsSharedCloudformationValidate();
