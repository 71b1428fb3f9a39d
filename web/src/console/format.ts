// Dates, sizes and deadlines as the console shows them: in the zone's time zone (the
// service centre's working days are China's), in the current locale.
import { currentLocale } from '../i18n'

export const ZONE = 'Asia/Shanghai'

function EN(): boolean {
  return currentLocale() === 'en'
}

function intlLocale(): string {
  return EN() ? 'en-GB' : 'zh-CN'
}

/** Chinese: 2026/12/02; English: 2 Dec 2026 (never the ambiguous 02/12/2026). */
function dayParts(): Intl.DateTimeFormatOptions {
  return EN() ? { year: 'numeric', month: 'short', day: 'numeric' } : { year: 'numeric', month: '2-digit', day: '2-digit' }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(intlLocale(), {
    timeZone: ZONE,
    ...dayParts(),
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)
}

export function date(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(intlLocale(), {
    timeZone: ZONE,
    ...dayParts(),
  }).format(d)
}

export function fileSize(bytes: number | null | undefined): string {
  if (bytes == null) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export type DueState =
  | { kind: 'overdue'; since: string }
  | { kind: 'pastDue' }
  | { kind: 'today' }
  | { kind: 'left'; days: number }

const DAY = 86_400_000

/** A deadline's state: marked overdue by the deadlines sweep (`overdueAt`), past its due
 * time but not yet swept, due today, or calendar days left (the due time itself is shown
 * beside it; working days are the server's business). */
export function dueState(dueAt: string, overdueAt?: string | null, now = Date.now()): DueState {
  if (overdueAt) return { kind: 'overdue', since: overdueAt }
  const due = new Date(dueAt).getTime()
  if (due <= now) return { kind: 'pastDue' }
  const days = Math.floor((due - now) / DAY)
  return days === 0 ? { kind: 'today' } : { kind: 'left', days }
}

/** Who did something, when readable: the opaque Cognito user name (a UUID) says nothing to
 * an officer and shows as nothing. */
export function person(name: string | null | undefined): string {
  return name && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name) ? name : ''
}
