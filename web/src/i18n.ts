/**
 * vue-i18n set-up: Chinese (zh-CN, default) and English (en).
 *
 * Messages: ./locales/zh-CN.ts and ./locales/en.ts (the portal), merged with
 * ./locales/console.zh-CN.ts and ./locales/console.en.ts (the staff console; keep its keys
 * under one top-level key, e.g. `console`, so nothing collides).
 *
 * `setLocale(l)` switches, remembers the choice (localStorage `ow.locale`) and sets <html lang>.
 */
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import consoleZhCN from './locales/console.zh-CN'
import consoleEn from './locales/console.en'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']

type Messages = Record<string, unknown>

function merge(a: Messages, b: Messages): Messages {
  const out: Messages = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k]
    out[k] =
      prev && typeof prev === 'object' && v && typeof v === 'object'
        ? merge(prev as Messages, v as Messages)
        : v
  }
  return out
}

function initialLocale(): Locale {
  const stored = localStorage.getItem('ow.locale')
  if (stored === 'en' || stored === 'zh-CN') return stored
  const q = new URLSearchParams(window.location.search).get('lang')
  if (q === 'en' || q === 'zh-CN') return q
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': merge(zhCN, consoleZhCN) as typeof zhCN,
    en: merge(en, consoleEn) as typeof zhCN,
  },
})
// The page's language from the first paint (index.html says zh-CN; a stored English
// preference must not leave screen readers reading English as Chinese).
document.documentElement.lang = i18n.global.locale.value

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  localStorage.setItem('ow.locale', locale)
  document.documentElement.lang = locale
  document.title = i18n.global.t('app.name')
}

/** The Chinese or English of a bilingual pair, for the current locale. */
export function pick(zh: string | null | undefined, enText: string | null | undefined): string {
  return currentLocale() === 'en' ? enText || zh || '' : zh || enText || ''
}
