// The gateway's public HTTP API (docs/http-api.md): nothing else is used by the page.

export interface Reply {
  ok: boolean;
  status: number;
  text: string;
}

type ErrorListener = (message: string) => void;
const listeners = new Set<ErrorListener>();

// Every refused write is reported here too, so the page shows the gateway's words even
// where the control that wrote is gone. (Reads are not: a panel says what it could not read.)
export function onError(listener: ErrorListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function report(method: string, path: string, reply: Reply) {
  const message = `${method} /${path}: ${reply.status} ${reply.text.trim()}`;
  listeners.forEach((listener) => listener(message));
}

export async function request(method: string, path: string, body?: string,
                              headers: Record<string, string> = {}): Promise<Reply> {
  let response: Response;
  try {
    response = await fetch('/' + path, { method, body, headers });
  } catch (error) {
    const reply = { ok: false, status: 0, text: `the gateway did not answer (${error})` };
    if (method !== 'GET') report(method, path, reply);
    return reply;
  }
  const reply = { ok: response.ok, status: response.status, text: await response.text() };
  if (!reply.ok && method !== 'GET') report(method, path, reply);
  return reply;
}

// A file's text; a refused read yields "" (and is reported).
export async function read(path: string): Promise<string> {
  const reply = await request('GET', path);
  return reply.ok ? reply.text : '';
}

// `echo BODY > file` (PUT) or `echo BODY >> file` (POST).
export function write(path: string, body: string, append = false): Promise<Reply> {
  return request(append ? 'POST' : 'PUT', path, body);
}

export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

// A directory's entries; directories keep their trailing '/'.
export async function list(path: string): Promise<string[]> {
  return lines(await read(path.endsWith('/') ? path : path + '/'));
}

export function join(base: string, name: string): string {
  return base ? `${base}/${name}` : name;
}

// ns as function_graph prints durations: microseconds with three decimals.
export function usecs(ns: number): string {
  return `${(ns / 1000).toFixed(3)} us`;
}
