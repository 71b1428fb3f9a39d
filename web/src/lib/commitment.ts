// 容缺受理 on the applicant's case page: where the signed commitment stands (GET
// /applications/{id}: `commitment`), and the consequence of a broken one. The API does not
// send how long the bar lasts on the view: it is in the text the applicant signed ("…自终止之日
// 起365日内不再适用容缺受理…", shared/services/commitments.py) and in the timeline's detail of
// the broken event ("… for 365 days"), which this reads.
import type { Schemas } from '../api/client'

type View = Schemas['ApplicationView']
export type Commitment = Schemas['Commitment']

/**
 * - `pending`: signed, the case not accepted yet (the due date is set at acceptance);
 * - `open`: accepted on it, in approval, the materials still to come by `dueAt`;
 * - `fulfilled`: the materials came in;
 * - `broken`: the deadline passed without them, the case ended;
 * - `closed`: the case ended otherwise (not accepted, rejected) with it still open.
 */
export type CommitmentState = 'pending' | 'open' | 'fulfilled' | 'broken' | 'closed'

const BEFORE_ACCEPTANCE = new Set(['DRAFT', 'SUBMITTED', 'RETURNED'])

export function commitmentState(view: View): CommitmentState | null {
  const c = view.commitment
  if (!c) return null
  if (c.brokenAt || view.status === 'COMMITMENT_BROKEN') return 'broken'
  if (c.fulfilledAt) return 'fulfilled'
  if (BEFORE_ACCEPTANCE.has(view.status)) return 'pending'
  if (view.status === 'IN_APPROVAL' && c.dueAt) return 'open'
  return 'closed'
}

/** The days a broken commitment bars the applicant from 容缺, as signed (or as the timeline said). */
export function barDays(view: View): number | null {
  const fromText = /(\d+)\s*日内不再适用容缺受理/.exec(view.commitment?.text ?? '')
  if (fromText) return Number(fromText[1])
  const broken = (view.timeline ?? []).find((e) => e.action === 'commitment_broken')
  const fromEvent = broken ? /for (\d+) days/.exec(broken.detail) : null
  return fromEvent ? Number(fromEvent[1]) : null
}

/** The end of the bar: the break plus that many calendar days (as the API counts it). */
export function barredUntil(view: View): string | null {
  const days = barDays(view)
  const from = view.commitment?.brokenAt ?? (view.timeline ?? []).find((e) => e.action === 'commitment_broken')?.at
  if (days === null || !from) return null
  const at = new Date(from)
  if (Number.isNaN(at.getTime())) return null
  return new Date(at.getTime() + days * 86_400_000).toISOString()
}

/** Whether a day has passed in the service centre's zone (a deadline is a day there). */
export function dueState(dueAt: string, now = new Date()): 'ahead' | 'today' | 'past' {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d)
  const due = new Date(dueAt)
  if (due.getTime() < now.getTime()) return 'past'
  return day(due) === day(now) ? 'today' : 'ahead'
}
