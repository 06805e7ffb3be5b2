// A tiny static file server (Node.js, no dependencies) for the built site.
//
//   node scripts/static-server.mjs DIR [PORT] [BASE]
//
// Serves DIR under the URL prefix BASE (default "/"), on 127.0.0.1:PORT (default 8080), so the
// site can be checked under a sub-path as a static host would serve it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const [dirArg = 'dist', portArg = '8080', baseArg = '/'] = process.argv.slice(2);
const root = resolve(dirArg);
const port = Number(portArg);
const base = ('/' + baseArg + '/').replace(/\/+/g, '/');
const host = process.env.HOST || '127.0.0.1';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/' && base !== '/') {
    res.writeHead(302, { location: base });
    return res.end();
  }
  if (!url.pathname.startsWith(base)) {
    res.writeHead(404);
    return res.end('not found');
  }
  let rel = decodeURIComponent(url.pathname.slice(base.length)) || 'index.html';
  let file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403);
    return res.end('forbidden');
  }
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': types[extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end('not found');
  }
});

server.listen(port, host, () => {
  console.log(`serving ${root} at http://${host}:${port}${base}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
