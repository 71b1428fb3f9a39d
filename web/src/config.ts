/**
 * Runtime configuration, fetched once from `/config.json` (same origin) before the app mounts.
 *
 *   { "apiBase": "/api", "region": "us-east-1", "userPoolId": "...", "userPoolClientId": "...",
 *     "cognitoEndpoint": "http://127.0.0.1:4566" | null }
 *
 * Read it with `config()` after `loadConfig()` has resolved (main.ts awaits it).
 */
export interface AppConfig {
  /** Where the API is served, absolute or relative to this origin (e.g. "/api"). */
  apiBase: string
  region: string
  userPoolId: string
  userPoolClientId: string
  /** Cognito IdP endpoint override (the local embedded AWS); null: the regional endpoint. */
  cognitoEndpoint: string | null
}

const DEFAULTS: AppConfig = {
  apiBase: '/api',
  region: 'us-east-1',
  userPoolId: '',
  userPoolClientId: '',
  cognitoEndpoint: null,
}

let current: AppConfig = { ...DEFAULTS }
let loaded: Promise<AppConfig> | null = null

export function loadConfig(url = '/config.json'): Promise<AppConfig> {
  loaded ??= fetch(url, { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then((body: Partial<AppConfig>) => {
      current = { ...DEFAULTS, ...body }
      return current
    })
  return loaded
}

export function config(): AppConfig {
  return current
}

/** The absolute URL of an API path (path starting with "/"). */
export function apiUrl(path: string): string {
  const base = current.apiBase.replace(/\/+$/, '')
  return new URL(base + path, window.location.href).toString()
}
