import { currentLocale } from '../i18n'

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(currentLocale() === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  })
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleDateString(currentLocale() === 'en' ? 'en-GB' : 'zh-CN')
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPG',
  'image/png': 'PNG',
  'application/msword': 'DOC',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.ms-excel': 'XLS',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/zip': 'ZIP',
}

export function typeNames(types: string[]): string {
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' / ')
}

/** A day in the service centre's zone (a deadline is the end of a day in Asia/Shanghai):
 * Chinese 2026/12/09, English 9 Dec 2026. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const en = currentLocale() === 'en'
  return new Intl.DateTimeFormat(en ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    ...(en ? { year: 'numeric', month: 'short', day: 'numeric' } : { year: 'numeric', month: '2-digit', day: '2-digit' }),
  }).format(d)
}
