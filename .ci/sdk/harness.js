// What the Node SDK scripts share: the fake's address and credentials, its control path, and
// the check helpers that print one line per check and stop at the first failure.
//
// Each script makes one harness with its label (`node`, `node subaccounts`).
'use strict';

// The error the SDKs reject with for any error status (a dependency of every @vonage package).
const { VetchError } = require('@vonage/vetch');

const URL = process.env.FAKE_URL;
const KEY = 'abcd1234';
const SECRET = 'Abcdef123456';
const SUB = 'sub12345';

// The fake's control path.
async function control(method, path, body) {
  const response = await fetch(`${URL}/_fake/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status}`);
  return response.json();
}

// Counts the checks of one script; the first failed one ends the process with 1.
function harness(label) {
  const self = { passed: 0 };
  self.check = (name, condition, detail = '') => {
    if (!condition) {
      console.log(`FAIL ${label}: ${name} ${detail}`);
      process.exit(1);
    }
    self.passed += 1;
    console.log(`ok   ${label}: ${name}`);
  };
  // `promise` rejects with a VetchError for an answer of `status`; the error is returned.
  self.rejects = async (name, status, promise) => {
    try {
      await promise;
    } catch (e) {
      self.check(name, e instanceof VetchError && e.response?.status === status,
        `rejected with ${e.constructor.name}: ${e.message}`);
      return e;
    }
    self.check(name, false, 'resolved');
    return undefined;
  };
  // Runs the script's `main`; an exception is a failure.
  self.run = (main) => main().catch((e) => {
    console.log(`FAIL ${label}: ${e.stack || e}`);
    process.exit(1);
  });
  return self;
}

module.exports = { URL, KEY, SECRET, SUB, control, harness };
