import { i18n } from '../i18n'
import type { AuthError } from '../auth'

const KNOWN = [
  'NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException', 'UsernameExistsException',
  'InvalidPasswordException', 'CodeMismatchException', 'ExpiredCodeException', 'InvalidParameterException',
]

/** A Cognito error as a sentence in the current locale. */
export function authMessage(e: unknown): string {
  const t = i18n.global.t
  const err = e as Partial<AuthError>
  if (err.code && KNOWN.includes(err.code)) return t(`auth.errors.${err.code}`)
  return t('auth.errors.generic', { message: err.message ?? String(e) })
}
