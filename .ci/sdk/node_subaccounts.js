// The official Node Subaccounts SDK (@vonage/subaccounts) against `vonage-account fake-server --tls`.
//
// Run by .ci/sdk/run with FAKE_URL and NODE_EXTRA_CA_CERTS set: every one of the 9 operations
// resolves to the shape the SDK's types declare, and the documented refusals reject with a
// VetchError carrying the response.
//
// Known bugs of @vonage/subaccounts 1.12.1, worked around here (by reading its code; see
// /work/shared/reference/vonage-subaccounts-api.md section 6):
// - `CreditTransferListParameters.sub` becomes the query `sub=`, not `subaccount=`: the credit
//   list is asked without a filter (the check below shows the filter is lost when given).
// - `CreditTransferParameters.amount` is typed `string`: a string amount is the live 422, so the
//   amounts here are numbers (plain JavaScript does not check the type).
// - `updateSubAccount` has no `usePrimaryAccountBalance`; `createSubAccount`'s type has no secret
//   (the answer has it).
'use strict';

const { SubAccounts } = require('@vonage/subaccounts');
const { URL, KEY, SECRET, SUB, control, harness } = require('./harness');

const checks = harness('node subaccounts');
const { check, rejects } = checks;

async function main() {
  await control('POST', 'reset');
  await control('PATCH', `subaccounts/${SUB}`, { own_balance: '0' });
  const subs = new SubAccounts({ apiKey: KEY, apiSecret: SECRET }, { apiHost: URL });

  const page = await subs.getSubAccountPage();
  check('getSubAccountPage (with totals)', page.total_balance === 10.28 && page._embedded.primary_account.api_key === KEY);
  const primary = await subs.getPrimaryAccount();
  check('getPrimaryAccount', primary.apiKey === KEY && primary.name === null);
  const list = await subs.listSubAccounts();
  check('listSubAccounts', list.length === 1 && list[0].apiKey === SUB && list[0].balance === 0);

  const created = await subs.createSubAccount({ name: 'Node Sub', secret: 'NodeSecret123', usePrimaryAccountBalance: false });
  check('createSubAccount (the answer has the secret)', created.apiKey.length === 8 && created.secret === 'NodeSecret123');
  const got = await subs.getSubAccount(created.apiKey);
  check('getSubAccount', got.name === 'Node Sub' && got.usePrimaryAccountBalance === false);
  const updated = await subs.updateSubAccount(created.apiKey, { suspended: true, name: 'Node Sub 2' });
  check('updateSubAccount', updated.suspended === true && updated.name === 'Node Sub 2');

  const moved = await subs.transferBalance({ from: KEY, to: SUB, amount: 1.5, reference: 'node balance' });
  check('transferBalance', moved.amount === 1.5 && moved.id && moved.reference === 'node balance');
  const credit = await subs.transferCredit({ from: KEY, to: SUB, amount: 2.25, reference: 'node credit' });
  check('transferCredit', credit.to === SUB);

  const balances = await subs.listBalanceTransfers({ startDate: '2020-01-01T00:00:00Z', subaccount: SUB });
  check('listBalanceTransfers', balances.length === 1 && balances[0].id === moved.id);
  let log = await control('GET', 'requests');
  check('the balance filter on the wire', log[log.length - 1].query === 'start_date=2020-01-01T00%3A00%3A00Z&subaccount=sub12345', log[log.length - 1].query);
  const credits = await subs.listCreditTransfers({ startDate: '2020-01-01T00:00:00Z', sub: SUB });
  check('listCreditTransfers', credits.length === 1 && credits[0].id === credit.id);
  log = await control('GET', 'requests');
  check('known bug: the credit filter goes out as sub=', log[log.length - 1].query.includes('sub=sub12345'), log[log.length - 1].query);

  const number = await subs.transferNumber({ from: KEY, to: SUB, number: '447700900000', country: 'GB' });
  check('transferNumber', number.number === '447700900000' && number.to === SUB);

  await rejects('insufficient balance is 403', 403,
    subs.transferBalance({ from: SUB, to: KEY, amount: 1000, reference: 'too much' }));
  await rejects('a number sent again is 409', 409,
    subs.transferNumber({ from: KEY, to: SUB, number: '447700900000', country: 'GB' }));
  await rejects('a string amount is the live 422', 422,
    subs.transferCredit({ from: KEY, to: SUB, amount: '1.00' }));
  await rejects('an unknown sub-account is 404', 404, subs.getSubAccount('nobody01'));

  console.log(`node subaccounts: ${checks.passed} checks passed`);
}

checks.run(main);
