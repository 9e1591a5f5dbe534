import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaasCredentials, parseJaasConfig } from './jaas-config.ts';

test('the JAAS line Kafka clients take: module, flag, quoted and bare options, one terminating semicolon', () => {
  const r = parseJaasConfig('  org.apache.kafka.common.security.scram.ScramLoginModule required\n username="app" password="p;a=s\\"s" tokenauth=false ;  ');
  assert.deepEqual(r, { ok: true, value: {
    loginModule: 'org.apache.kafka.common.security.scram.ScramLoginModule', flag: 'required',
    options: { username: 'app', password: 'p;a=s"s', tokenauth: 'false' },
  } });
});

test('malformed lines say what is wrong and never repeat a value', () => {
  const cases: [string, RegExp][] = [
    ['', /login module class name/],
    ['x.PlainLoginModule username="a";', /control flag/],
    ['x.PlainLoginModule required username="a" password="hunter2"', /does not end with ';'/],
    ['x.PlainLoginModule required username="a" password="hunter2', /no closing quote/],
    ['x.PlainLoginModule required username;', /option username has no value/],
    ['x.PlainLoginModule required username="a"; y.Other required;', /more than one login module/],
    ['x.PlainLoginModule required username="a" username="b";', /given twice/],
  ];
  for (const [text, re] of cases) {
    const r = parseJaasConfig(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) {
      assert.match(r.reason, re);
      assert.ok(!r.reason.includes('hunter2'));
    }
  }
});

test('credentials come from the PLAIN and SCRAM modules only', () => {
  assert.deepEqual(jaasCredentials('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'),
    { ok: true, loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule', username: 'u', password: 'p' });
  const refused: [string, RegExp][] = [
    ['com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;', /Kerberos/],
    ['org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;', /OAUTHBEARER/],
    ['com.example.Custom required;', /not one this daemon can use/],
    ['org.apache.kafka.common.security.scram.ScramLoginModule required username="u";', /lacks password/],
    ['org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p" tokenauth=true;', /tokenauth cannot be honoured/],
  ];
  for (const [text, re] of refused) {
    const r = jaasCredentials(text);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, re);
  }
});
