/**
 * The typed API client (openapi-fetch over the types openapi-typescript generates from the
 * API's OpenAPI document into ./schema.d.ts at build time).
 *
 * Stable exports (the staff console imports them):
 * - `api`: `createClient<paths>()`; call `api.GET('/catalog/items', { params: { query } })` etc.
 *   Requests go to `config().apiBase` + path and carry `Authorization: Bearer <idToken>` when
 *   signed in.
 * - `type Schemas` = components['schemas'] (e.g. `Schemas['CatalogItem']`), `type paths`
 * - `ApiProblem` / `problemOf(error, response)`: an error answer as `{ status, code, message,
 *   fields }` where `fields` maps a field path ("applicant.idNumber", "form.projectName") to
 *   its message.
 * - `unwrap(promise)`: the data of an openapi-fetch call, or throws its `ApiProblem`.
 */
import createClient, { type Middleware } from 'openapi-fetch'
import { apiUrl } from '../config'
import { idToken, signOut } from '../auth'
import type { components, paths } from './schema'

export type { paths }
export type Schemas = components['schemas']

const ORIGIN_PLACEHOLDER = 'http://onewindow.api'

/** Sends each request to the configured API base (read at request time, after config loads). */
async function apiFetch(input: Request): Promise<Response> {
  const url = new URL(input.url)
  // The body is read out first: a Request built from another's stream body would be sent as a
  // streaming upload, which browsers allow only over HTTP/2.
  const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : await input.arrayBuffer()
  return fetch(apiUrl(url.pathname + url.search), {
    method: input.method,
    headers: input.headers,
    body,
    signal: input.signal,
  })
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await idToken()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    return request
  },
  onResponse({ response }) {
    // An expired or revoked token: forget it so the next screen asks to sign in again.
    if (response.status === 401) signOut()
    return response
  },
}

export const api = createClient<paths>({ baseUrl: ORIGIN_PLACEHOLDER, fetch: apiFetch })
api.use(auth)

export class ApiProblem extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** An error body (Error, GatewayError or anything else) as an ApiProblem. */
export function problemOf(error: unknown, response?: Response): ApiProblem {
  const status = response?.status ?? 0
  const body = (error ?? {}) as Partial<Schemas['Error']> & { message?: string }
  const fields: Record<string, string> = {}
  for (const f of body.fields ?? []) fields[f.field] = fields[f.field] ? `${fields[f.field]}; ${f.message}` : f.message
  return new ApiProblem(status, body.error ?? `http_${status}`, body.message ?? String(error ?? status), fields)
}

/** The data of an openapi-fetch call, or throws an ApiProblem (network errors too). */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch (e) {
    throw new ApiProblem(0, 'network_error', e instanceof Error ? e.message : String(e))
  }
  if (result.error !== undefined || !result.response.ok) throw problemOf(result.error, result.response)
  return result.data as T
}
