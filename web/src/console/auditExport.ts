// Ops' export of the audit trail (GET /audit/export, text/csv): a case's or an actor's,
// fetched page by page (each page's next cursor in the `X-Next-Cursor` header, absent on the
// last), joined into one CSV with the first page's header row only, and saved as one file.
import { api, problemOf, type paths } from '../api/client'

export const NEXT_CURSOR_HEADER = 'X-Next-Cursor'
/** The most the API gives in one page. */
const EXPORT_PAGE_SIZE = 1000
/** A guard against a cursor that never ends (a million records). */
const MAX_PAGES = 1000
/** Excel reads a UTF-8 CSV without it as the system's code page (Chinese turns to noise). */
const BOM = '\uFEFF'

export type ExportScope =
  | { applicationId: string }
  | { actor: string; since?: string; until?: string }

type ExportQuery = NonNullable<paths['/audit/export']['get']['parameters']['query']>

export interface ExportResult {
  file: string
  records: number
  pages: number
}

/** The end of the CSV's first row (its header: plain column names, never quoted). */
function afterHeader(page: string): string {
  const end = page.indexOf('\n')
  return end < 0 ? '' : page.slice(end + 1)
}

/** How many rows a CSV body holds (line breaks inside quoted cells are not rows). */
export function countRows(csv: string): number {
  let rows = 0
  let quoted = false
  let any = false
  for (const ch of csv) {
    if (ch === '"') quoted = !quoted
    if (ch === '\n' && !quoted) {
      rows += 1
      any = false
    } else if (ch !== '\r') any = true
  }
  return rows + (any ? 1 : 0)
}

function fileName(scope: ExportScope): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)
  if ('applicationId' in scope) return `audit-${safe(scope.applicationId)}.csv`
  const period = [scope.since, scope.until].filter(Boolean).map((d) => safe(d!.slice(0, 10)))
  return `audit-${safe(scope.actor)}${period.length ? `-${period.join('-')}` : ''}.csv`
}

/** Fetches every page of the scope's export and saves them as one CSV file; `progress` hears
 * the records fetched so far. Throws an ApiProblem when a page is refused. */
export async function exportAuditCsv(scope: ExportScope, progress?: (records: number) => void): Promise<ExportResult> {
  const parts: string[] = []
  let records = 0
  let cursor: string | null = null
  const seen = new Set<string>()
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const query: ExportQuery = { ...scope, limit: EXPORT_PAGE_SIZE, ...(cursor ? { cursor } : {}) }
    const answer: { data?: string; error?: unknown; response: Response } = await api.GET('/audit/export', {
      params: { query },
      parseAs: 'text',
    })
    const { data, error, response } = answer
    if (error !== undefined || !response.ok) throw problemOf(error, response)
    let body = String(data ?? '')
    if (body && !body.endsWith('\n')) body += '\r\n'
    const rows = parts.length ? afterHeader(body) : body
    parts.push(rows)
    records += Math.max(0, countRows(rows) - (parts.length === 1 ? 1 : 0))
    progress?.(records)
    cursor = response.headers.get(NEXT_CURSOR_HEADER)
    if (!cursor || seen.has(cursor)) {
      const file = fileName(scope)
      save(BOM + parts.join(''), file)
      return { file, records, pages }
    }
    seen.add(cursor)
  }
  throw new Error(`more than ${MAX_PAGES} pages`)
}

function save(csv: string, file: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = file
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Revoked once the browser has taken the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
