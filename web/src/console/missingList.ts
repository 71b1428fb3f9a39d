// The one-time list (一次性告知) staff write: a window clerk's return for supplement, a
// department's supplement request mid-approval. Each row names one material of the item (its
// code) or one form field (its name) and says why; everything asked at once, each once.
import { i18n } from '../i18n'
import type { ApiProblem } from '../api/client'

export const LIST_REASON_MAX = 500

export interface ListRow {
  /** The row's own key (for the list's rendering; never sent). */
  key: number
  field: string
  reason: string
}

export interface RowErrors {
  field?: string | null
  reason?: string | null
}

let next = 0

export function newRow(field = '', reason = ''): ListRow {
  next += 1
  return { key: next, field, reason }
}

/** The console's own checks, as the API would refuse (or as the applicant could not act on):
 * each row names something once, with a reason. Null when the list is good. */
export function checkRows(rows: readonly ListRow[]): Record<number, RowErrors> | null {
  const t = i18n.global.t
  const errors: Record<number, RowErrors> = {}
  const seen = new Set<string>()
  rows.forEach((r, i) => {
    const e: RowErrors = {}
    if (!r.field) e.field = t('console.list.chooseField')
    else if (seen.has(r.field)) e.field = t('console.list.duplicate')
    seen.add(r.field)
    const reason = r.reason.trim()
    if (!reason) e.reason = t('console.list.reasonRequired')
    else if (reason.length > LIST_REASON_MAX) e.reason = t('console.clock.tooLong', { n: LIST_REASON_MAX })
    if (e.field || e.reason) errors[i] = e
  })
  return Object.keys(errors).length ? errors : null
}

/** The rows as the API takes them. */
export function listBody(rows: readonly ListRow[]): { field: string; reason: string }[] {
  return rows.map((r) => ({ field: r.field, reason: r.reason.trim() }))
}

/** An API 422's field errors on the list's rows (`body.missing.1.reason` → row 1's reason);
 * what names no row is returned as text. */
export function rowErrorsOf(p: ApiProblem, list: string): { rows: Record<number, RowErrors>; rest: string[] } {
  const rows: Record<number, RowErrors> = {}
  const rest: string[] = []
  for (const [path, message] of Object.entries(p.fields)) {
    const parts = path.replace(/^body\./, '').split('.')
    const index = Number(parts[1])
    if (parts[0] === list && Number.isInteger(index)) {
      const which = parts[2] === 'field' ? 'field' : 'reason'
      const row = (rows[index] ??= {})
      row[which] = row[which] ? `${row[which]}; ${message}` : message
    } else rest.push(message)
  }
  return { rows, rest }
}

/** The errors without the one of a row's part just edited. */
export function withoutError(errors: Record<number, RowErrors>, index: number, kind: 'field' | 'reason'): Record<number, RowErrors> {
  const row = errors[index]
  if (!row?.[kind]) return errors
  const rest = { ...errors, [index]: { ...row, [kind]: null } }
  return rest
}
