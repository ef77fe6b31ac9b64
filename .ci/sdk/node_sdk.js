// The official Node SDK (@vonage/accounts) against `vonage-account fake-server --tls`.
//
// Run by .ci/sdk/run with FAKE_URL (https://127.0.0.1:PORT) and NODE_EXTRA_CA_CERTS (the fake's
// certificate) set, and nothing else: every Account and Secrets call returns the shape the SDK's
// types declare, and every documented error rejects as it does against the real API (a
// VetchError carrying the response).
'use strict';

const { Accounts, Secrets } = require('@vonage/accounts');
const { URL, KEY, SECRET, control, harness } = require('./harness');

const hosts = { restHost: URL, apiHost: URL };
const checks = harness('node');
const { check, rejects } = checks;

async function main() {
  await control('POST', 'reset');
  const accounts = new Accounts({ apiKey: KEY, apiSecret: SECRET }, hosts);
  const secrets = new Secrets({ apiKey: KEY, apiSecret: SECRET }, hosts);

  const balance = await accounts.getBalance();
  check('getBalance -> AccountBalance', balance.value === 10.28 && balance.autoReload === true,
    JSON.stringify(balance));
  const topUp = await accounts.topUpBalance('8ef2447e69604f642ae59363aa5f781b');
  check('topUpBalance -> AccountTopUpResponse', topUp['error-code'] === '200', JSON.stringify(topUp));
  const settings = await accounts.updateAccountCallbacks({ moCallBackUrl: 'https://example.com/inbound' });
  check('updateAccountCallbacks -> AccountUpdateResponse',
    settings['mo-callback-url'] === 'https://example.com/inbound'
      && Number.isInteger(settings['max-calls-per-second']), JSON.stringify(settings));
  const list = await secrets.listSecrets(KEY);
  check('listSecrets -> APISecretResponse', list._embedded.secrets.length === 1, JSON.stringify(list));
  const created = await secrets.createSecret(KEY, 'Second-Secret-1');
  check('createSecret -> APISecret', typeof created.id === 'string'
    && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(created.created_at), JSON.stringify(created));
  const got = await secrets.getSecret(KEY, created.id);
  check('getSecret -> APISecret', got.id === created.id, JSON.stringify(got));
  check('deleteSecret -> undefined (204)', (await secrets.deleteSecret(KEY, created.id)) === undefined);

  // The same typo as the Python SDK's, made by a caller: refused by name.
  const typo = await rejects('updateAccountCallbacks({moCallbackUrl}) -> 400', 400,
    accounts.updateAccountCallbacks({ moCallbackUrl: 'https://example.com/inbound' }));
  const problem = await typo.response.json();
  check('... naming moCallbackUrl and moCallBackUrl',
    problem.invalid_parameters[0].name === 'moCallbackUrl'
      && problem.invalid_parameters[0].reason.includes('moCallBackUrl'), JSON.stringify(problem));

  const wrong = { apiKey: KEY, apiSecret: 'Wrong-Secret-1' };
  await rejects('wrong secret, /account/* -> 401', 401, new Accounts(wrong, hosts).getBalance());
  await rejects('wrong secret, secrets -> 401', 401, new Secrets(wrong, hosts).listSecrets(KEY));
  await control('PATCH', `accounts/${KEY}`, { auto_reload: false });
  const refused = await rejects('top-up without auto-reload -> 401', 401, accounts.topUpBalance('t1'));
  check('... the legacy body', (await refused.response.json())['error-code-label'] === 'not auto-reload enabled');
  await rejects('unknown secret id -> 404', 404,
    secrets.getSecret(KEY, '00000000-0000-0000-0000-000000000000'));
  await rejects('unknown key -> 404', 404, secrets.listSecrets('nosuchkey'));
  const only = (await secrets.listSecrets(KEY))._embedded.secrets[0].id;
  await rejects('revoke the last secret -> 403', 403, secrets.deleteSecret(KEY, only));
  await secrets.createSecret(KEY, 'Second-Secret-2');
  await rejects('a third secret -> 403', 403, secrets.createSecret(KEY, 'Third-Secret-3'));
  await rejects('a weak secret -> 400', 400, secrets.createSecret(KEY, 'weak'));

  await control('POST', 'reset');
  await control('POST', 'faults', { kind: 'rate-limited', retry_after_secs: 1, route: 'getAccountBalance' });
  const limited = await rejects('429 -> rejected (the SDK does not retry)', 429, accounts.getBalance());
  const headers = limited.response.headers;
  check('... with Retry-After and X-RateLimit-Limit/-Remaining/-Reset',
    ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']
      .every((h) => headers.has(h)));
  await control('POST', 'faults', { kind: 'status', status: 500, route: 'getAccountBalance' });
  await rejects('500 -> rejected', 500, accounts.getBalance());

  console.log(`node: ${checks.passed} passed, 0 failed`);
}

checks.run(main);
