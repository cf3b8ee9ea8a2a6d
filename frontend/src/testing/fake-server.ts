// A scripted backend for unit tests: an axios adapter answering from route handlers, recording every
// request. It stands in for the network only; the API client, interceptors and stores under test are real.
import { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { api } from '@/lib/api-client';

export interface FakeRequest {
  method: string;
  url: string;
  params: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Simulates a stopped backend: no response at all. */
  network?: boolean;
  delay?: number;
}

type Handler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export const ok = (data: unknown, message: string | null = null): FakeReply => ({
  status: 200,
  body: { success: true, data, message, timestamp: new Date().toISOString() },
});

export const fail = (status: number, code: string, message = code, details: Record<string, unknown> = {}): FakeReply => ({
  status,
  body: { success: false, error: { code, message, details }, timestamp: new Date().toISOString() },
});

export class FakeServer {
  readonly requests: FakeRequest[] = [];
  private routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private original = api.defaults.adapter;

  on(method: string, path: string | RegExp, handler: Handler | FakeReply): this {
    const pattern = typeof path === 'string' ? new RegExp(`^${path.replace(/:[a-z_]+/gi, '[^/]+')}$`) : path;
    this.routes.unshift({ method: method.toUpperCase(), pattern, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  calls(method: string, path: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.url === path);
  }

  install(): this {
    const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
      const url = (config.url ?? '').replace(/^\/api\/v1/, '');
      const headers = AxiosHeaders.from(config.headers).toJSON() as Record<string, string>;
      let body: unknown = config.data;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          // not JSON
        }
      }
      const req: FakeRequest = { method: (config.method ?? 'get').toUpperCase(), url, params: config.params ?? {}, body, headers };
      this.requests.push(req);
      const route = this.routes.find((r) => r.method === req.method && r.pattern.test(url));
      const reply: FakeReply = route ? await route.handler(req) : fail(404, 'NOT_FOUND', `no fake route for ${req.method} ${url}`);
      if (reply.delay) await new Promise((r) => setTimeout(r, reply.delay));
      if (reply.network) throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {});
      const response = {
        data: reply.body ?? null,
        status: reply.status ?? 200,
        statusText: String(reply.status ?? 200),
        headers: new AxiosHeaders(reply.headers ?? {}),
        config,
        request: {},
      };
      if (response.status >= 200 && response.status < 300) return response;
      throw new AxiosError(`Request failed with status code ${response.status}`, AxiosError.ERR_BAD_REQUEST, config, {}, response);
    };
    api.defaults.adapter = adapter;
    return this;
  }

  uninstall(): void {
    api.defaults.adapter = this.original;
  }
}

/** A JWT-shaped token whose payload carries the given claims (signature not checked client-side). */
export function fakeToken(claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: '1', roles: ['user'], perms: [], exp: 9_999_999_999, ...claims })}.sig`;
}

export const me = {
  id: 1,
  username: 'kim',
  employee_number: 'E001',
  name: '김민수',
  name_en: 'Minsu Kim',
  email: 'kim@example.com',
  phone: null,
  department_id: 1,
  department_name: '개발팀',
  position: '과장',
  job_title: null,
  manager_id: null,
  profile_image_url: null,
  is_active: true,
  locale: 'ko',
  auth_source: 'local',
  roles: ['user'],
  last_login_at: null,
  locked_until: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
};
