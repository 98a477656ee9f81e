// A real OpenID Connect provider for the single sign-on tests: the
// certified `oidc-provider` package, one client, and the users the test
// writes to a JSON file (read again at every request, so a test can move a
// user to another group, or ask for a tampered ID token, between sign-ins).
//
//   OIDC_MODULES  a directory holding node_modules/oidc-provider
//   OIDC_PORT     the port to listen on (127.0.0.1)
//   OIDC_STATE    the JSON file: {"users": {"alice": {"email": …,
//                 "email_verified": true, "name": …, "groups": […]}},
//                 "tamper": null | "foreign-key" | "expired"}
//   OIDC_REDIRECT_URIS, OIDC_LOGOUT_URIS  comma-separated
//
// The sign-in page is one form: a login name and "Sign in" or "Cancel"
// (which answers access_denied). Consent is granted without asking.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const modules = createRequire(`${process.env.OIDC_MODULES}/`);
const load = async (name) => import(pathToFileURL(modules.resolve(name)).href);
const { default: Provider } = await load('oidc-provider');
const jose = await load('jose');

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const state = () => JSON.parse(readFileSync(process.env.OIDC_STATE, 'utf8'));
const list = (v) => (v || '').split(',').filter(Boolean);

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}
// A new key and kid at every start, as a provider rotating its keys.
const signing = rsaJwk(randomUUID());
// Another key under the same kid: what an attacker without the real key signs with.
const foreign = rsaJwk(signing.kid);

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'grapevine',
    client_secret: 'grapevine-test-secret',
    redirect_uris: list(process.env.OIDC_REDIRECT_URIS),
    post_logout_redirect_uris: list(process.env.OIDC_LOGOUT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['grapevine-test-cookie-key'] },
  async findAccount(ctx, id) {
    const user = state().users[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

function body(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => resolve(new URLSearchParams(text)));
    req.on('error', reject);
  });
}

// The ID token as the test asked for it: signed by a foreign key, or
// properly signed but expired an hour ago.
async function tamper(token, how) {
  const claims = jose.decodeJwt(token);
  const now = Math.floor(Date.now() / 1000);
  const key = how === 'foreign-key' ? foreign : signing;
  if (how === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  const privateKey = await jose.importJWK(key, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(privateKey);
}

provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (m) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Test provider</title><h1>Test provider</h1>
<form method="post" action="/interaction/${details.uid}">
<label>Login <input name="login" id="login" autofocus></label>
<button name="action" value="login" id="sign-in">Sign in</button>
<button name="action" value="cancel" id="cancel">Cancel</button></form>`;
      return;
    }
    const form = await body(ctx.req);
    const result = form.get('action') === 'cancel'
      ? { error: 'access_denied', error_description: 'End-User aborted interaction' }
      : { login: { accountId: form.get('login') } };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    return;
  }
  await next();
  const how = state().tamper;
  if (ctx.path === '/token' && how && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, how) };
  }
});

provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
