// A case as filed, named for staff: the applicant's and the form's rows labelled from the
// case's version of the catalog item (the case holds values by field name), material names,
// the postal address. Shared by the task page and the window's case page.
import { computed, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Schemas } from '../api/client'
import { pick } from '../i18n'

type Case = Schemas['CaseForReview']
type Item = Schemas['CatalogItem']

export interface FactRow {
  key: string
  label: string
  value: string
}

export function useCaseFacts(app: Readonly<Ref<Case | null>>, item: Readonly<Ref<Item | null>>) {
  const { t, locale } = useI18n()

  function show(value: unknown): string {
    if (value == null || value === '') return t('console.common.none')
    if (typeof value === 'boolean') return value ? t('console.common.yes') : t('console.common.no')
    if (Array.isArray(value)) return value.map(show).join(t('punct.list'))
    if (typeof value === 'object') return Object.values(value as Record<string, unknown>).map(show).join(' ')
    return String(value)
  }

  const formRows = computed<FactRow[]>(() => {
    void locale.value
    const form = (app.value?.form ?? {}) as Record<string, unknown>
    const fields = item.value?.formFields ?? []
    const rows: FactRow[] = []
    const seen = new Set<string>()
    for (const f of fields) {
      if (!(f.name in form)) continue
      seen.add(f.name)
      const raw = form[f.name]
      const option = f.options?.find((o) => o.value === raw)
      rows.push({ key: f.name, label: pick(f.labelZh, f.labelEn), value: option ? pick(option.labelZh, option.labelEn) : show(raw) })
    }
    for (const [name, raw] of Object.entries(form)) if (!seen.has(name)) rows.push({ key: name, label: name, value: show(raw) })
    return rows
  })

  const applicantRows = computed<FactRow[]>(() => {
    void locale.value
    const a = app.value?.applicant
    if (!a) return []
    const rows: FactRow[] = [
      { key: 'kind', label: t('console.task.kind'), value: t(`console.task.applicantKind.${a.kind}`) },
      { key: 'name', label: t('console.task.name'), value: a.name },
    ]
    if (a.kind === 'person') rows.push({ key: 'idNumber', label: t('console.task.idNumber'), value: a.idNumber })
    else {
      rows.push({ key: 'creditCode', label: t('console.task.creditCode'), value: a.creditCode })
      rows.push({ key: 'legalRepresentative', label: t('console.task.legalRepresentative'), value: a.legalRepresentative })
    }
    if (a.phone) rows.push({ key: 'phone', label: t('console.task.phone'), value: a.phone })
    return rows
  })

  const deliveryAddress = computed(() => {
    const addr = app.value?.delivery.address
    if (!addr) return ''
    return `${addr.recipient} ${addr.phone} · ${addr.province}${addr.city}${addr.district}${addr.street} ${addr.postalCode}`
  })

  function materialName(code: string): string {
    void locale.value
    const rule = item.value?.materials.find((m) => m.code === code)
    return rule ? pick(rule.nameZh, rule.nameEn) : code
  }

  return { formRows, applicantRows, deliveryAddress, materialName, show }
}
