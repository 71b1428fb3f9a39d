/**
 * An application's editable parts as a form holds them (the applicant, the item's form,
 * the delivery), the checks mirroring the API's that run before anything is sent, and the
 * request bodies of POST /applications and POST /applications/{id}/draft. Shared by the
 * portal's apply screen (views/ApplyView.vue) and the console's walk-in filing at the window
 * (console/views/WalkInFilingView.vue), so the two file alike.
 *
 * Errors are keyed as the API names its fields once `fieldKey` has read them
 * ("applicant.idNumber", "form.projectName", "delivery.address.city").
 */
import type { Schemas } from '../api/client'
import { pick } from '../i18n'
import { creditCode, fieldValue, isBlank, mobile, residentId, type Problem } from './validation'

type Item = Schemas['CatalogItem']
export type Applicant = Schemas['PersonApplicant'] | Schemas['EnterpriseApplicant']
export type DeliveryMode = Schemas['DeliveryMode']

export const ADDRESS_FIELDS = ['recipient', 'phone', 'province', 'city', 'district', 'street', 'postalCode'] as const
export type AddressField = (typeof ADDRESS_FIELDS)[number]

export interface ApplicationDraft {
  kind: 'person' | 'enterprise'
  name: string
  idNumber: string
  creditCode: string
  legalRepresentative: string
  phone: string
  form: Record<string, string>
  delivery: DeliveryMode
  address: Record<AddressField, string>
}

export function blankDraft(): ApplicationDraft {
  return {
    kind: 'person',
    name: '',
    idNumber: '',
    creditCode: '',
    legalRepresentative: '',
    phone: '',
    form: {},
    delivery: 'electronic',
    address: { recipient: '', phone: '', province: '', city: '', district: '', street: '', postalCode: '' },
  }
}

/** The item's defaults: a person where the item takes persons, electronic delivery where
 * offered, every form field empty. */
export function startDraft(d: ApplicationDraft, item: Item): void {
  d.kind = item.applicantKinds.includes('person') ? 'person' : 'enterprise'
  d.delivery = item.deliveryModes.includes('electronic') ? 'electronic' : item.deliveryModes[0]
  for (const f of item.formFields ?? []) d.form[f.name] = ''
}

type Translate = (key: string, params: Record<string, unknown>) => string

export interface DraftChecks {
  /** Ask for every required form field (a submit attempt), not only check the values given. */
  requireForm: boolean
  /** Ask for the applicant's phone (the API takes none; a walk-in applicant is reached by it). */
  requirePhone?: boolean
}

/** Every problem the API would name, worded in the current locale, by field key. */
export function draftErrors(item: Item, d: ApplicationDraft, t: Translate, checks: DraftChecks): Record<string, string> {
  const msg = (p: Problem): string | null => (p ? t(p.key, p.params ?? {}) : null)
  const required = (value: string, label: string): Problem =>
    isBlank(value) ? { key: 'apply.errors.required', params: { field: label } } : null
  const e: Record<string, string | null> = {}
  const nameLabel = d.kind === 'person' ? t('apply.name', {}) : t('apply.enterpriseName', {})
  e['applicant.name'] = msg(required(d.name, nameLabel))
  if (d.kind === 'person') {
    e['applicant.idNumber'] = msg(required(d.idNumber, t('apply.idNumber', {})) ?? residentId(d.idNumber))
  } else {
    e['applicant.creditCode'] = msg(required(d.creditCode, t('apply.creditCode', {})) ?? creditCode(d.creditCode))
    e['applicant.legalRepresentative'] = msg(required(d.legalRepresentative, t('apply.legalRepresentative', {})))
  }
  if (checks.requirePhone) e['applicant.phone'] = msg(required(d.phone, t('apply.phone', {})) ?? mobile(d.phone))
  else if (!isBlank(d.phone)) e['applicant.phone'] = msg(mobile(d.phone))
  for (const f of item.formFields ?? []) {
    const v = d.form[f.name] ?? ''
    e[`form.${f.name}`] = msg(
      (f.required ?? true) && checks.requireForm ? required(v, pick(f.labelZh, f.labelEn)) ?? fieldValue(f, v) : fieldValue(f, v),
    )
  }
  if (d.delivery === 'mail') {
    const a = d.address
    for (const k of ['recipient', 'province', 'city', 'district', 'street'] as const) {
      e[`delivery.address.${k}`] = msg(required(a[k], t(`apply.${k}`, {})))
    }
    e['delivery.address.phone'] = msg(required(a.phone, t('apply.phone', {})) ?? mobile(a.phone))
    e['delivery.address.postalCode'] = msg(
      required(a.postalCode, t('apply.postalCode', {})) ?? (/^\d{6}$/.test(a.postalCode.trim()) ? null : { key: 'apply.errors.postalCode' }),
    )
  }
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v)) as Record<string, string>
}

export function applicantBody(d: ApplicationDraft): Applicant {
  const phone = d.phone.trim() || null
  return d.kind === 'person'
    ? { kind: 'person', name: d.name.trim(), idNumber: d.idNumber.trim().toUpperCase(), phone }
    : {
        kind: 'enterprise',
        name: d.name.trim(),
        creditCode: d.creditCode.trim().toUpperCase(),
        legalRepresentative: d.legalRepresentative.trim(),
        phone,
      }
}

/** The values given (blank ones left out), numbers as numbers. */
export function formBody(item: Item | null | undefined, d: ApplicationDraft): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {}
  for (const f of item?.formFields ?? []) {
    const v = (d.form[f.name] ?? '').trim()
    if (!v) continue
    out[f.name] = f.kind === 'number' && Number.isFinite(Number(v)) ? Number(v) : v
  }
  return out
}

export function deliveryBody(d: ApplicationDraft): Schemas['DeliveryRequest'] {
  if (d.delivery !== 'mail') return { mode: d.delivery }
  const a = d.address
  return {
    mode: 'mail',
    address: {
      recipient: a.recipient.trim(),
      phone: a.phone.trim(),
      province: a.province.trim(),
      city: a.city.trim(),
      district: a.district.trim(),
      street: a.street.trim(),
      postalCode: a.postalCode.trim(),
    },
  }
}

/** A saved case's applicant, form and delivery into the draft; answers the file names of
 * the materials uploaded so far, by code. */
export function draftFromView(d: ApplicationDraft, view: Schemas['ApplicationView']): Record<string, string> {
  const a = view.applicant
  d.kind = a.kind
  d.name = a.name
  d.phone = a.phone ?? ''
  if (a.kind === 'person') d.idNumber = a.idNumber
  else {
    d.creditCode = a.creditCode
    d.legalRepresentative = a.legalRepresentative
  }
  d.form = Object.fromEntries(Object.entries(view.form ?? {}).map(([k, v]) => [k, v == null ? '' : String(v)]))
  d.delivery = view.delivery.mode
  if (view.delivery.address) Object.assign(d.address, view.delivery.address)
  const uploaded: Record<string, string> = {}
  for (const [code, m] of Object.entries(view.materials ?? {})) {
    const name = (m as { fileName?: string }).fileName
    if (name) uploaded[code] = name
  }
  return uploaded
}

/** A material's check against its original (trust level B) as a case's record carries it:
 * the clerk and the time, and for a reused document (可复用) the earlier case it was checked
 * in. GET /applications/{id} sends these on `materials` (an untyped map in the contract);
 * the staff's material lists read them under the same names once the API sends them there. */
export interface OriginalCheck {
  fileName: string
  checkedBy: string
  checkedAt: string | null
  reusedFrom: string | null
}

/** The check of one material record, when a clerk checked it (else null). */
export function originalCheckOf(material: unknown): OriginalCheck | null {
  const m = (material ?? {}) as Record<string, unknown>
  const by = typeof m.originalCheckedBy === 'string' ? m.originalCheckedBy : ''
  if (!by) return null
  return {
    fileName: typeof m.fileName === 'string' ? m.fileName : '',
    checkedBy: by,
    checkedAt: typeof m.originalCheckedAt === 'string' ? m.originalCheckedAt : null,
    reusedFrom: typeof m.reusedFrom === 'string' && m.reusedFrom ? m.reusedFrom : null,
  }
}

/** The materials of a saved case that reuse a document checked in an earlier case, by code. */
export function reusedFromView(view: Schemas['ApplicationView']): Record<string, OriginalCheck> {
  const out: Record<string, OriginalCheck> = {}
  for (const [code, m] of Object.entries(view.materials ?? {})) {
    const check = originalCheckOf(m)
    if (check?.reusedFrom) out[code] = check
  }
  return out
}

/** What POST /applications/{id}/materials/reuse put in the case, as its record says it. */
export function reusedFromOffer(offer: Schemas['ReusableMaterial']): OriginalCheck {
  return { fileName: offer.fileName, checkedBy: offer.checkedBy, checkedAt: offer.checkedAt, reusedFrom: offer.fromApplicationId }
}

/** The offers of GET /applications/{id}/reusable-materials, by material code. */
export function offersByCode(list: Schemas['ReusableMaterialList']): Record<string, Schemas['ReusableMaterial']> {
  return Object.fromEntries(list.items.map((o) => [o.materialCode, o]))
}
