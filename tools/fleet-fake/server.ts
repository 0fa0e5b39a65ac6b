import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Failures } from './failures.js';
import type { FakeMachine } from './machines.js';
import { pageFromQuery, pageOf, PageTokenError } from './paging.js';
import type { FakeDesiredState, Registry } from './registry.js';
import { validateUnitName, validateXFleet, readXFleet, type FakeUnitOption } from './x-fleet.js';

const BASE = '/fleet/v1';
const STATES: readonly string[] = ['inactive', 'loaded', 'launched'];

/** fleet's sendResponse: JSON, fields left out when empty (its structs are all `omitempty`). */
function send(res: ServerResponse, code: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(code).end();
    return;
  }
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body, (_k, v: unknown) => (v === '' || (Array.isArray(v) && v.length === 0) ? undefined : v)));
}

/** fleet's sendError: `{"error":{"code","message"}}`; the message is "" for internal errors. */
function sendError(res: ServerResponse, code: number, message = ''): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function paged<T>(res: ServerResponse, query: URLSearchParams, all: T[], field: string): void {
  const { items, next } = pageOf(all, pageFromQuery(query));
  send(res, 200, { [field]: items, nextPageToken: next });
}

interface Ctx {
  registry: Registry;
  machines: FakeMachine[];
}

async function putUnit(req: IncomingMessage, res: ServerResponse, name: string, { registry }: Ctx): Promise<void> {
  const types = req.headersDistinct['content-type'] ?? [];
  if (types.length !== 1) return sendError(res, 415, `expected 1 Content-Type, got ${types.length}`);
  if (types[0]!.split(';')[0]!.trim() !== 'application/json') return sendError(res, 415, 'only acceptable Content-Type is application/json');
  let body: { name?: string; desiredState?: string; options?: FakeUnitOption[] };
  try {
    body = JSON.parse(await readBody(req)) as typeof body;
    if (typeof body !== 'object' || body === null) throw new Error('json: cannot unmarshal into Go value of type schema.Unit');
  } catch (e) {
    return sendError(res, 400, `unable to decode body: ${(e as Error).message}`);
  }
  const unitName = body.name || name;
  if (unitName !== name) return sendError(res, 400, `name in URL "${name}" differs from unit name in request body "${unitName}"`);
  const invalid = validateUnitName(name);
  if (invalid) return sendError(res, 400, invalid);
  const desired = body.desiredState ?? '';
  if (desired !== '' && !STATES.includes(desired)) return sendError(res, 400, `invalid desiredState "${desired}"`);
  const options = body.options ?? [];
  if (!registry.has(name)) {
    if (options.length === 0) return sendError(res, 409, 'unit does not exist and options field empty');
    const problem = validateXFleet(readXFleet(name, options));
    if (problem) return sendError(res, 400, problem);
    registry.create(name, options, (desired || 'inactive') as FakeDesiredState);
    return send(res, 201);
  }
  // An existing unit keeps its options: only its desired state changes (fleet's API v1).
  if (desired === '') return sendError(res, 409, 'must provide DesiredState to update existing unit');
  registry.setDesired(name, desired as FakeDesiredState);
  send(res, 204);
}

/** Routes one request the way fleet's api package does, with its status codes and messages. */
export async function handleFleetRequest(req: IncomingMessage, res: ServerResponse, ctx: Ctx & { failures: Failures; hang(res: ServerResponse): void }): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fleet');
  const method = req.method ?? 'GET';
  const fault = ctx.failures.forRequest(method, url.pathname);
  if (fault?.kind === 'hang') return ctx.hang(res);
  if (fault?.kind === 'api') return sendError(res, fault.status, fault.message ?? '');
  try {
    await ctx.registry.reconcile();
    const path = decodeURIComponent(url.pathname);
    if (path === `${BASE}/units`) {
      if (method !== 'GET') return sendError(res, 405, 'only GET supported against this resource');
      return paged(res, url.searchParams, ctx.registry.list(), 'units');
    }
    if (path.startsWith(`${BASE}/units/`) && path.length > `${BASE}/units/`.length) {
      const name = path.slice(`${BASE}/units/`.length);
      if (method === 'GET') {
        const unit = ctx.registry.list().find((u) => u.name === name);
        return unit ? send(res, 200, unit) : sendError(res, 404, 'unit does not exist');
      }
      if (method === 'DELETE') return (await ctx.registry.destroy(name)) ? send(res, 204) : sendError(res, 404, 'unit does not exist');
      if (method === 'PUT') return await putUnit(req, res, name, ctx);
      return sendError(res, 405, 'only GET, PUT and DELETE supported against this resource');
    }
    if (path === `${BASE}/state`) {
      if (method !== 'GET') return sendError(res, 405, 'only GET supported against this resource');
      const unitName = url.searchParams.get('unitName');
      const machineID = url.searchParams.get('machineID');
      const states = ctx.registry.states().filter((s) => (!unitName || s.name === unitName) && (!machineID || s.machineID === machineID));
      return paged(res, url.searchParams, states, 'states');
    }
    if (path === `${BASE}/machines`) {
      if (method !== 'GET') return sendError(res, 400, 'only HTTP GET supported against this resource');
      return paged(res, url.searchParams, ctx.machines.map((m) => ({ id: m.id, primaryIP: m.ip, metadata: Object.keys(m.metadata).length ? m.metadata : undefined })), 'machines');
    }
    sendError(res, 404);
  } catch (e) {
    if (e instanceof PageTokenError) return sendError(res, 400, e.message);
    sendError(res, 500);
  }
}
