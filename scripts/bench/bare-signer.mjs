// `node bare-signer.mjs <pkcs8-pem-file>`: the limit `npm run bench:server` divides by — a bare `node:http`
// server that does nothing but sign one RS256 JWT per request (jose, the service's signing key), answered as
// JSON like authenticate-token's. Prints `listening <port>`.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';

const key = await importPKCS8(readFileSync(process.argv[2], 'utf8'), 'RS256');
const server = createServer(async (req, res) => {
  for await (const chunk of req) void chunk;
  const token = await new SignJWT({
    sub: 'bench',
    scope: 'PaymentTokenization Recurring BatchReport',
    uniqueId: randomBytes(16).toString('base64url'),
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(key);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ responseCode: '00', responseMessage: 'Success', token }));
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
