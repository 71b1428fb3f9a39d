// The details of the timeline's 容缺 and correction events, worded in the page's language.
// The API writes them in its own fixed English (and the materials by code, or by their
// Chinese names in `commitment_signed`): shared/services/commitments.py,
// shared/stages/acceptance.py, shared/stages/supplement.py, shared/services/applications.py.
// A detail that does not read as expected is shown as sent (null here).
import type { Schemas } from '../api/client'
import { i18n, pick } from '../i18n'
import { departmentName } from './departments'
import { formatDay } from './format'
import { listedFieldName } from './missing'

type Item = Schemas['CatalogItem']
type Event = Schemas['TimelineEvent']
type Clock = Schemas['ClockView']

const DIGEST = /([0-9a-f]{64})\s*$/

function materialNames(item: Item | null | undefined, codes: string[]): string {
  const t = i18n.global.t
  return codes
    .map((c) => {
      const r = item?.materials.find((m) => m.code === c || m.nameZh === c)
      return r ? pick(r.nameZh, r.nameEn) : c
    })
    .join(t('punct.list'))
}

const codes = (s: string) => s.split(/,\s*/).map((c) => c.trim()).filter(Boolean)

export function shortDigest(digest: string): string {
  return digest.length > 16 ? `${digest.slice(0, 8)}…${digest.slice(-8)}` : digest
}

export function wordedDetail(e: Event, item: Item | null | undefined, clock?: Clock | null): string | null {
  const t = i18n.global.t
  const d = e.detail ?? ''
  switch (e.action) {
    case 'commitment_signed': {
      // "<Chinese names, 、-separated>: <digest>"
      const digest = DIGEST.exec(d)?.[1]
      if (!digest) return null
      const names = d.replace(/:\s*[0-9a-f]{64}\s*$/, '').split('、').map((n) => n.trim())
      return t('caseCommitment.detail.signed', { materials: materialNames(item, names), digest: shortDigest(digest) })
    }
    case 'accepted_on_commitment': {
      const m = /^accepted with (.+?) to come by (\S+?);/.exec(d)
      if (!m) return null
      return t('caseCommitment.detail.accepted', { materials: materialNames(item, codes(m[1] ?? '')), due: formatDay(m[2] ?? '') })
    }
    case 'awaiting_commitment':
      return t('caseCommitment.detail.awaiting')
    case 'commitment_fulfilled': {
      const m = /^(.+?) supplied as committed/.exec(d)
      return m ? t('caseCommitment.detail.fulfilled', { materials: materialNames(item, codes(m[1] ?? '')) }) : null
    }
    case 'commitment_broken': {
      const m = /\((.+?)\) were not supplied by (\S+?);.* for (\d+) days/.exec(d)
      if (!m) return null
      return t('caseCommitment.detail.broken', { materials: materialNames(item, codes(m[1] ?? '')), due: formatDay(m[2] ?? ''), n: Number(m[3]) })
    }
    case 'form_supplemented': {
      const m = /^(.+?) corrected as the department asked/.exec(d)
      if (!m) return null
      const fields = codes(m[1] ?? '').map((f) => listedFieldName(item, f)).join(t('punct.list'))
      return t('case.formSupplementedDetail', { fields })
    }
    case 'supplement_requested': {
      // "<DEPT> asks for a supplement (<pause>), within <n> working days; …: <list>": the list
      // named from the pause the clock keeps (its entries' reasons are the department's own).
      const m = /^([A-Z][A-Z0-9_]*) asks for a supplement \((\w+)\), within (\d+) working days/.exec(d)
      const pause = m ? clock?.pauses?.find((p) => p.pauseId === m[2]) : undefined
      if (!m || !pause?.missing?.length) return null
      const list = pause.missing.map((x) => `${listedFieldName(item, x.field)}${t('punct.colon')}${x.reason}`).join(t('punct.list'))
      return t('case.supplementRequestedDetail', { dept: departmentName(m[1] ?? ''), n: Number(m[3]), list })
    }
    case 'supplemented': {
      const m = /^supplement \w+ for ([A-Z][A-Z0-9_]*) received/.exec(d)
      return m ? t('case.supplementedDetail', { dept: departmentName(m[1] ?? '') }) : null
    }
    default:
      return null
  }
}
