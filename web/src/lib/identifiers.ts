/**
 * Check characters of the applicant's identifiers, mirroring shared/domain/identifiers.py.
 * - Resident ID number (GB 11643): 17 digits + check character, ISO 7064 MOD 11-2, with a
 *   real birth date in characters 7-14.
 * - Unified social credit code (GB 32100): 17 characters over a 31-symbol alphabet + check
 *   character, MOD 31.
 */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'
const ID_PATTERN = /^\d{17}[\dX]$/

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/

export type IdProblem = 'format' | 'date' | 'check' | null

export function residentIdCheckChar(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[total % 11]
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d))
  return y >= 1 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/** What is wrong with a resident ID number, or null when it is valid. */
export function residentIdProblem(raw: string): IdProblem {
  const value = raw.trim().toUpperCase()
  if (!ID_PATTERN.test(value)) return 'format'
  if (!isCalendarDate(Number(value.slice(6, 10)), Number(value.slice(10, 12)), Number(value.slice(12, 14)))) return 'date'
  return residentIdCheckChar(value.slice(0, 17)) === value[17] ? null : 'check'
}

export function isValidResidentId(value: string): boolean {
  return residentIdProblem(value) === null
}

export function creditCodeCheckChar(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_ALPHABET[(31 - (total % 31)) % 31]
}

/** What is wrong with a unified social credit code, or null when it is valid. */
export function creditCodeProblem(raw: string): IdProblem {
  const value = raw.trim().toUpperCase()
  if (!USCC_PATTERN.test(value)) return 'format'
  return creditCodeCheckChar(value.slice(0, 17)) === value[17] ? null : 'check'
}

export function isValidCreditCode(value: string): boolean {
  return creditCodeProblem(value) === null
}
