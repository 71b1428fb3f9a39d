/**
 * Client-side checks mirroring the API's (shared/domain/forms.py, shared/models/application.py):
 * each returns an i18n key with its parameters, or null when the value fits.
 */
import type { Schemas } from '../api/client'
import { creditCodeProblem, residentIdProblem } from './identifiers'

export type Problem = { key: string; params?: Record<string, unknown> } | null

const MOBILE = /^1[3-9]\d{9}$/
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '')
}

export function residentId(v: string): Problem {
  const p = residentIdProblem(v)
  return p === 'format' ? { key: 'apply.errors.idFormat' } : p === 'date' ? { key: 'apply.errors.idDate' } : p === 'check' ? { key: 'apply.errors.idNumber' } : null
}

export function creditCode(v: string): Problem {
  const p = creditCodeProblem(v)
  return p === 'format' ? { key: 'apply.errors.creditFormat' } : p === 'check' ? { key: 'apply.errors.creditCode' } : null
}

export function mobile(v: string): Problem {
  return MOBILE.test(v.trim()) ? null : { key: 'apply.errors.phone' }
}

/** A value of one of the item's form fields (blank fits; `required` is checked apart). */
export function fieldValue(spec: Schemas['FormField'], raw: unknown): Problem {
  if (isBlank(raw)) return null
  const kind = spec.kind ?? 'text'
  if (kind === 'number') {
    const n = Number(String(raw).trim())
    if (!Number.isFinite(n) || String(raw).trim() === '') return { key: 'apply.errors.number' }
    if (spec.minimum != null && n < Number(spec.minimum)) return { key: 'apply.errors.min', params: { n: spec.minimum } }
    if (spec.maximum != null && n > Number(spec.maximum)) return { key: 'apply.errors.max', params: { n: spec.maximum } }
    return null
  }
  const text = String(raw).trim()
  const max = spec.maxLength ?? 200
  if (text.length > max) return { key: 'apply.errors.maxLength', params: { n: max } }
  switch (kind) {
    case 'date': {
      if (!DATE.test(text)) return { key: 'apply.errors.date' }
      const d = new Date(text + 'T00:00:00Z')
      return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? { key: 'apply.errors.date' } : null
    }
    case 'select':
      return (spec.options ?? []).some((o) => o.value === text) ? null : { key: 'apply.errors.option' }
    case 'resident_id':
      return residentId(text)
    case 'credit_code':
      return creditCode(text)
    case 'phone':
      return MOBILE.test(text) || LANDLINE.test(text) ? null : { key: 'apply.errors.phoneOrLandline' }
    default:
      return null
  }
}

/**
 * An API error's field path as the form's key: "body.applicant.person.idNumber" ->
 * "applicant.idNumber", "body.form.projectName" -> "form.projectName".
 */
export function fieldKey(path: string): string {
  const parts = path.split('.')
  if (parts[0] === 'body') parts.shift()
  if (parts[0] === 'applicant' && (parts[1] === 'person' || parts[1] === 'enterprise')) parts.splice(1, 1)
  return parts.join('.')
}
