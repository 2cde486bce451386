// A real OpenID provider for the sign-in tests: the certified `oidc-provider`, on a free
// loopback port. Reads {"issuer_path": "" or "/", "audience", "clients": {id: {"secret",
// "roles", "ttl"}}} as JSON on stdin; prints {"issuer": ...} once it listens. Clients get
// JWT access tokens (RFC 9068) by client credentials for the resource they name
// (RFC 8707): `aud` is that resource, the client's roles are in `realm_access.roles`.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const config = JSON.parse(input);

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}${config.issuer_path}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "peer-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  clients: Object.entries(config.clients).map(([id, client]) => ({
    client_id: id,
    client_secret: client.secret,
    grant_types: ["client_credentials"],
    redirect_uris: [],
    response_types: [],
  })),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: "api",
        audience: resource,
        accessTokenFormat: "jwt",
        accessTokenTTL: config.clients[client.clientId].ttl ?? 300,
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => ({
    realm_access: { roles: config.clients[token.clientId].roles },
  }),
});
provider.proxy = false;
server.on("request", provider.callback());
process.stdout.write(JSON.stringify({ issuer }) + "\n");
