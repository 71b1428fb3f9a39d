// The one-time list (一次性告知) of a return for supplement, or of a department's supplement
// request mid-approval: each entry's `field` names a material of the item (its code, or
// `materials.<code>` as acceptance's own notice writes it) or a form field (its name, or
// `form.<name>`). Shared by the case page and the console.
import type { Schemas } from '../api/client'
import { pick } from '../i18n'

type Item = Schemas['CatalogItem']

export type ListedField =
  | { kind: 'material'; code: string }
  | { kind: 'form'; name: string }
  | { kind: 'other'; field: string }

export function listedField(item: Item | null | undefined, field: string): ListedField {
  if (field.startsWith('materials.')) return { kind: 'material', code: field.slice('materials.'.length) }
  if (field.startsWith('form.')) return { kind: 'form', name: field.slice('form.'.length) }
  if (item?.materials.some((m) => m.code === field)) return { kind: 'material', code: field }
  if (item?.formFields?.some((f) => f.name === field)) return { kind: 'form', name: field }
  return { kind: 'other', field }
}

/** The entry's name in the current locale: the material's or the form field's, else as written. */
export function listedFieldName(item: Item | null | undefined, field: string): string {
  const f = listedField(item, field)
  if (f.kind === 'material') {
    const r = item?.materials.find((m) => m.code === f.code)
    return r ? pick(r.nameZh, r.nameEn) : f.code
  }
  if (f.kind === 'form') {
    const x = item?.formFields?.find((y) => y.name === f.name)
    return x ? pick(x.labelZh, x.labelEn) : f.name
  }
  return f.field
}

/** The item's materials an entry of the list names (to upload again), in the item's order. */
export function listedMaterials(item: Item | null | undefined, missing: readonly { field: string }[]): Schemas['MaterialRule'][] {
  const codes = new Set(
    missing.map((m) => listedField(item, m.field)).flatMap((f) => (f.kind === 'material' ? [f.code] : [])),
  )
  return (item?.materials ?? []).filter((r) => codes.has(r.code))
}
