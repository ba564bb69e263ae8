// Minimal keep-alive HTTP client for the CalDAV benchmark (node:http with an Agent, so the
// client costs little next to the servers it measures).
import http from 'node:http';

export function client(origin, { connections = 32, headers = {}, timeoutMs = 120_000 } = {}) {
  const url = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  function request(method, path, { headers: h = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const req = http.request({
        host: url.hostname, port: url.port, method, path, agent,
        headers: { ...headers, ...h, ...(payload ? { 'Content-Length': String(payload.length) } : {}) },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
  return { request, close: () => agent.destroy() };
}
