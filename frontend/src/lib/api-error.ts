// The API's error envelope ({success: false, error: {code, message, details}}) as one typed error class,
// so screens branch on `code` and forms put messages next to the field the server named.
import { AxiosError } from 'axios';

export type FieldErrors = Record<string, string[]>;

/** Codes the client makes up itself when no envelope arrived. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const TIMEOUT = 'TIMEOUT';
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly fieldErrors: FieldErrors;
  readonly retryAfter: number | null;
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: Record<string, unknown>;
    retryAfter?: number | null;
    requestId?: string | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? {};
    this.fieldErrors = fieldErrorsOf(this.code, this.details);
    this.retryAfter = init.retryAfter ?? null;
    this.requestId = init.requestId ?? null;
  }

  /** No answer at all: the backend is stopped, the network is down or the request timed out. */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** Worth trying again without changing anything. */
  get isTransient(): boolean {
    return this.isNetwork || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

// FastAPI's `loc` starts with where the value came from; the rest is the field path.
const LOCATIONS = new Set(['body', 'query', 'path', 'header', 'cookie']);

function fieldErrorsOf(code: string, details: Record<string, unknown>): FieldErrors {
  const out: FieldErrors = {};
  const add = (field: string, message: string) => {
    if (!field) return;
    (out[field] ??= []).push(message);
  };
  if (code === 'VALIDATION_ERROR' && Array.isArray(details.errors)) {
    for (const raw of details.errors) {
      if (!raw || typeof raw !== 'object') continue;
      const err = raw as { loc?: unknown; msg?: unknown };
      const loc = Array.isArray(err.loc) ? err.loc.map(String) : [];
      const path = LOCATIONS.has(loc[0] ?? '') ? loc.slice(1) : loc;
      add(path.join('.'), typeof err.msg === 'string' ? err.msg : code);
    }
  }
  // INVALID_FORM_DATA (approval forms): details.fields = {field key: reason}
  if (details.fields && typeof details.fields === 'object' && !Array.isArray(details.fields)) {
    for (const [field, reason] of Object.entries(details.fields as Record<string, unknown>)) {
      add(field, typeof reason === 'string' ? reason : String(reason));
    }
  }
  return out;
}

interface Envelope {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function isEnvelope(body: unknown): body is Envelope {
  if (!body || typeof body !== 'object') return false;
  const error = (body as { error?: unknown }).error;
  return !!error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string';
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const value = typeof h.get === 'function' ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  return value == null ? null : String(value);
}

/** Any thrown value as an ApiError (axios errors with or without an envelope, or anything else). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AxiosError || (error && typeof error === 'object' && (error as AxiosError).isAxiosError)) {
    const ax = error as AxiosError;
    const response = ax.response;
    if (!response) {
      const timeout = ax.code === 'ECONNABORTED' || ax.code === 'ETIMEDOUT';
      return new ApiError({
        status: 0,
        code: timeout ? TIMEOUT : NETWORK_ERROR,
        message: ax.message || 'network error',
      });
    }
    const retry = Number(header(response.headers, 'retry-after'));
    const requestId = header(response.headers, 'x-request-id');
    if (isEnvelope(response.data)) {
      const { code, message, details } = response.data.error;
      return new ApiError({
        status: response.status,
        code,
        message,
        details: details ?? {},
        retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
        requestId,
      });
    }
    return new ApiError({
      status: response.status,
      code: response.status >= 500 ? 'INTERNAL_ERROR' : UNEXPECTED_RESPONSE,
      message: `HTTP ${response.status}`,
      requestId,
    });
  }
  return new ApiError({
    status: -1,
    code: UNEXPECTED_RESPONSE,
    message: error instanceof Error ? error.message : String(error),
  });
}
