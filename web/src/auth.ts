/**
 * Sign-in, sign-up and the session (Cognito user pool, IdP API).
 *
 * Stable exports (the staff console imports them):
 * - `session`: reactive `{ idToken, refreshToken, email, sub, groups, expiresAt }`, null when signed out
 * - `isSignedIn()`, `hasGroup(g)`, `hasAnyGroup(patterns)` ("dept-*" matches any department group),
 *   `isStaff()`, `isCitizen()`, `departments()` (codes from the `dept-<CODE>` groups),
 *   `ledDepartments()` (the departments whose `lead-<CODE>` and `dept-<CODE>` the user has)
 * - `signIn(email, password)`, `signUp(email, password)`, `confirmSignUp(email, code)`, `signOut()`
 * - `username()`: the API's name for the user (`cognito:username`: holders, delegates)
 * - `idToken()`: a current ID token (refreshed when close to expiry) or null
 * - `AuthError`: thrown with the Cognito error name in `code` (e.g. NotAuthorizedException)
 *
 * Tokens live in sessionStorage (`ow.session`). The AWS SDK's Cognito client is loaded only when
 * a sign-in, sign-up or refresh happens, so it is not part of the first page.
 */
import { computed, reactive } from 'vue'
import { config } from './config'

export interface Session {
  idToken: string
  refreshToken: string | null
  email: string
  sub: string
  groups: string[]
  /** epoch ms when the ID token expires */
  expiresAt: number
}

export class AuthError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message)
  }
}

const KEY = 'ow.session'
// Department officers, the follow-up team, operations, the centre's supervisors (电子监察) and
// its window clerks (前台受理). A department's lead (`lead-<CODE>`) is its officer too
// (`dept-<CODE>`): no group of its own here.
export const STAFF_GROUPS = ['dept-*', 'followup', 'ops', 'supervisor', 'window']

function readStored(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Session) : null
  } catch {
    return null
  }
}

const state = reactive<{ session: Session | null }>({ session: readStored() })

/** The current session (reactive), or null. */
export const session = computed(() => state.session)

function store(s: Session | null) {
  state.session = s
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s))
  else sessionStorage.removeItem(KEY)
}

/** The claims of a JWT (no verification: the API gateway verifies). */
export function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? ''
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0))
  return JSON.parse(new TextDecoder().decode(bytes))
}

function sessionFrom(idToken: string, refreshToken: string | null): Session {
  const c = claims(idToken)
  const groups = c['cognito:groups']
  return {
    idToken,
    refreshToken,
    email: String(c.email ?? c['cognito:username'] ?? ''),
    sub: String(c.sub ?? ''),
    groups: Array.isArray(groups) ? groups.map(String) : [],
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : Date.now() + 3600_000,
  }
}

/** The user name the API knows the user by (the ID token's `cognito:username`; locally the
 * e-mail): who holds a task, who delegates to whom. */
export function username(): string {
  const s = state.session
  if (!s) return ''
  try {
    const c = claims(s.idToken)
    return String(c['cognito:username'] ?? c.email ?? s.email)
  } catch {
    return s.email
  }
}

export function isSignedIn(): boolean {
  return state.session !== null
}

export function hasGroup(group: string): boolean {
  return state.session?.groups.includes(group) ?? false
}

/** True when the user is in any of the groups; a pattern ending in "*" matches a prefix. */
export function hasAnyGroup(patterns: readonly string[]): boolean {
  const groups = state.session?.groups ?? []
  return patterns.some((p) =>
    p.endsWith('*') ? groups.some((g) => g.startsWith(p.slice(0, -1))) : groups.includes(p),
  )
}

export function isStaff(): boolean {
  return hasAnyGroup(STAFF_GROUPS)
}

export function isCitizen(): boolean {
  return hasGroup('citizen')
}

/** Department codes of the user's `dept-<CODE>` groups. */
export function departments(): string[] {
  return (state.session?.groups ?? []).filter((g) => g.startsWith('dept-')).map((g) => g.slice(5))
}

/** The departments the user leads: `lead-<CODE>` together with `dept-<CODE>` (the API asks
 * both of a lead, shared/identity.py). */
export function ledDepartments(): string[] {
  const groups = state.session?.groups ?? []
  return groups
    .filter((g) => g.startsWith('lead-'))
    .map((g) => g.slice(5))
    .filter((d) => groups.includes(`dept-${d}`))
}

async function idp() {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider')
  const cfg = config()
  const client = new sdk.CognitoIdentityProviderClient({
    region: cfg.region,
    ...(cfg.cognitoEndpoint ? { endpoint: cfg.cognitoEndpoint } : {}),
    // InitiateAuth, SignUp and ConfirmSignUp are unsigned (noAuth): no AWS credentials.
  })
  return { sdk, client }
}

function authError(e: unknown): AuthError {
  const err = e as { name?: string; message?: string }
  return new AuthError(err.name ?? 'Error', err.message ?? String(e))
}

export async function signIn(email: string, password: string): Promise<Session> {
  const { sdk, client } = await idp()
  try {
    const out = await client.send(
      new sdk.InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config().userPoolClientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    )
    const r = out.AuthenticationResult
    if (!r?.IdToken) throw new AuthError(out.ChallengeName ?? 'Challenge', 'sign-in needs a further step')
    const s = sessionFrom(r.IdToken, r.RefreshToken ?? null)
    store(s)
    return s
  } catch (e) {
    throw e instanceof AuthError ? e : authError(e)
  }
}

/** Registers a citizen; a confirmation code is sent to the email. Returns whether confirmed already. */
export async function signUp(email: string, password: string): Promise<boolean> {
  const { sdk, client } = await idp()
  try {
    const out = await client.send(
      new sdk.SignUpCommand({
        ClientId: config().userPoolClientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    )
    return out.UserConfirmed ?? false
  } catch (e) {
    throw authError(e)
  }
}

export async function confirmSignUp(email: string, code: string): Promise<void> {
  const { sdk, client } = await idp()
  try {
    await client.send(
      new sdk.ConfirmSignUpCommand({
        ClientId: config().userPoolClientId,
        Username: email,
        ConfirmationCode: code,
      }),
    )
  } catch (e) {
    throw authError(e)
  }
}

export function signOut(): void {
  store(null)
}

let refreshing: Promise<void> | null = null

async function refresh(s: Session): Promise<void> {
  if (!s.refreshToken) return
  const { sdk, client } = await idp()
  try {
    const out = await client.send(
      new sdk.InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: config().userPoolClientId,
        AuthParameters: { REFRESH_TOKEN: s.refreshToken },
      }),
    )
    const idTok = out.AuthenticationResult?.IdToken
    if (idTok) store(sessionFrom(idTok, s.refreshToken))
  } catch {
    store(null)
  }
}

/** A current ID token, refreshed when it expires within a minute; null when signed out. */
export async function idToken(): Promise<string | null> {
  const s = state.session
  if (!s) return null
  if (s.expiresAt - Date.now() < 60_000) {
    refreshing ??= refresh(s).finally(() => (refreshing = null))
    await refreshing
  }
  return state.session?.idToken ?? null
}
