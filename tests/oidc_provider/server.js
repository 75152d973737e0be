// A real OpenID Provider for the test suite: node-oidc-provider (OpenID certified), one instance
// per issuer on 127.0.0.1, configured from the JSON file named on the command line
// (tests/oidc_provider/fixture.py writes it): an ID-porten-like and a HelseID-like issuer, their
// clients (private_key_jwt, PKCE required) and test users carrying pid, acr and HPR claims.
//
// Test-only additions, nothing else is changed in the provider:
// - the login page lists the test users; a test picks one by its button (account=<id>), or
//   cancels (the provider then answers access_denied);
// - POST /__test__/clock {"now": <epoch ms>} sets the provider's clock to the suite's frozen one;
// - cookies carry no expiry (session cookies), since the browser reads the real clock while
//   the provider reads the suite's;
// - a client's redirect URIs match on the path whatever the test host and port (the Django test
//   client's "testserver" and the live server's port), as the documentation shows for wildcards;
// - every ID token carries the session's sid, as ID-porten's and HelseID's do;
// - front-channel logout, which node-oidc-provider 9 no longer has: a test registers a client's
//   front-channel logout URI (POST /__test__/frontchannel {"client_id", "uri"}), and when the
//   person logs out at the provider without going back to a service, the page saying so loads
//   that URI with iss and the session's sid in a hidden frame, as ID-porten does.
import './clock.js';

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

import { setClock } from './clock.js';

const TEST_HOSTS = new Set(['testserver', 'localhost', '127.0.0.1']);

function samePathOnATestHost(value, registered) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !TEST_HOSTS.has(url.hostname)) return false;
  return registered.some((uri) => {
    const allowed = new URL(uri);
    return allowed.pathname === url.pathname && allowed.search === url.search;
  });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head>`
    + `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] || '').includes('application/json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

async function makeProvider(issuerConfig) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: `${issuerConfig.name}-1`, alg: 'RS256', use: 'sig' };
  void publicKey;
  const accounts = new Map(issuerConfig.accounts.map((a) => [a.id, a]));
  const issuer = `http://127.0.0.1:${issuerConfig.port}`;
  const frontchannelUris = new Map(); // client_id -> the service's front-channel logout URI
  const frontchannelPending = new Map(); // a logout's cookie -> the URIs to load when it is done

  const provider = new Provider(issuer, {
    clients: issuerConfig.clients,
    jwks: { keys: [signing] },
    scopes: issuerConfig.scopes,
    claims: issuerConfig.claims,
    acrValues: issuerConfig.acr_values,
    // ID-porten and HelseID put pid, acr and the HPR number in the ID token itself.
    conformIdTokenClaims: false,
    cookies: { keys: ['lkt-test-provider-cookie-key'] },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    features: {
      devInteractions: { enabled: false },
      // HelseID's client credentials for machine clients (an EPJ reading LKT's FHIR API): a JWT
      // access token for the one resource the issuer serves (its audience), with the scopes of
      // that resource the client asked for. Login clients get no resource: nothing changes for them.
      clientCredentials: { enabled: Boolean(issuerConfig.resource) },
      resourceIndicators: {
        enabled: true,
        defaultResource(_ctx, client) {
          return issuerConfig.resource && client.grantTypes.includes('client_credentials')
            ? issuerConfig.resource.audience : undefined;
        },
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resourceIndicator) {
          const resource = (issuerConfig.resources || []).find((r) => r.audience === resourceIndicator);
          if (!resource) throw new errors.InvalidTarget();
          return {
            scope: resource.scopes.join(' '),
            audience: resource.audience,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const { session } = ctx.oidc;
          const uris = Object.keys(session.authorizations || {})
            .filter((clientId) => frontchannelUris.has(clientId))
            .map((clientId) => `${frontchannelUris.get(clientId)}?${new URLSearchParams({ iss: issuer, sid: session.sidFor(clientId) })}`);
          const key = randomBytes(16).toString('hex');
          frontchannelPending.set(key, uris);
          ctx.cookies.set('lkt_test_frontchannel', key, { signed: false, httpOnly: true, sameSite: 'lax' });
          ctx.body = page('Logg ut', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, logg ut</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          const key = ctx.cookies.get('lkt_test_frontchannel', { signed: false });
          const uris = frontchannelPending.get(key) || [];
          frontchannelPending.delete(key);
          const frames = uris.map((uri) => `<iframe src="${escapeHtml(uri)}" title="Utlogging" hidden></iframe>`).join('');
          ctx.body = page('Du er logget ut', frames);
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
    },
    // First-party clients: consent is part of the login, as at ID-porten and HelseID.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(issuerConfig.scopes.join(' '));
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Feil', `<pre>${escapeHtml(JSON.stringify(out))}</pre>`);
    },
  });
  provider.proxy = false;

  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    return samePathOnATestHost(value, this.redirectUris);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    return samePathOnATestHost(value, this.postLogoutRedirectUris || []);
  };

  // ID-porten and HelseID put the session's sid in every ID token (their front-channel logout
  // names it); node-oidc-provider does so only for back-channel clients.
  provider.Client.prototype.includeSid = function includeSid() { return true; };

  provider.use(async (ctx, next) => {
    await next();
    const cookies = ctx.response.get('set-cookie');
    if (cookies) {
      ctx.set('set-cookie', [].concat(cookies).map((c) => c.replace(/;\s*(expires|max-age)=[^;]*/gi, '')));
    }
  });

  const callback = provider.callback();

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    if (req.method === 'GET') {
      const buttons = issuerConfig.accounts.map((a) => `<li><button type="submit" name="account" value="${escapeHtml(a.id)}">${escapeHtml(a.label)}</button></li>`).join('');
      const body = `<form method="post" action="/interaction/${uid}/login"><ul>${buttons}</ul></form>`
        + `<form method="post" action="/interaction/${uid}/abort"><button type="submit">Avbryt</button></form>`;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page(`Testinnlogging: ${issuerConfig.name}`, body));
      return;
    }
    const form = await readForm(req);
    if (action === 'abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'Brukeren avbrøt' }, { mergeWithLastSubmission: false });
      return;
    }
    const account = accounts.get(form.account);
    if (!account) {
      res.statusCode = 400;
      res.end('unknown test account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.id, acr: account.acr, amr: account.amr || ['pwd'] } }, { mergeWithLastSubmission: false });
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname === '/__test__/frontchannel' && req.method === 'POST') {
        const form = await readForm(req);
        frontchannelUris.set(form.client_id, form.uri);
        res.end('ok');
        return;
      }
      if (url.pathname === '/__test__/clock' && req.method === 'POST') {
        setClock(Number((await readForm(req)).now));
        res.end('ok');
        return;
      }
      const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
      if (match) {
        await interaction(req, res, match[1], match[2]);
        return;
      }
      callback(req, res);
    } catch (err) {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`${err.name}: ${err.message}`);
    }
  });
  await new Promise((resolve) => { server.listen(issuerConfig.port, '127.0.0.1', resolve); });
  return server;
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const servers = await Promise.all(config.issuers.map(makeProvider));
process.stdout.write(`ready ${config.issuers.map((i) => `${i.name}=${i.port}`).join(' ')}\n`);

function stop() {
  for (const server of servers) server.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
