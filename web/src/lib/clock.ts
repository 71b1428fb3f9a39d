// A case's two clocks (GET /applications/{id} and GET /tasks/{taskId}: `clock`), worded the
// same on the case page and in the console. The server counts the working days (China's
// official calendar); the app only words them: `remainingWorkingDays` is the number of
// working days left after today, 0 due today, negative late by that many.
import type { Schemas } from '../api/client'
import { i18n, pick } from '../i18n'

export type ClockView = Schemas['ClockView']
export type ClockPause = Schemas['ClockPause']
export type ProcedureKind = Schemas['SpecialProcedureKind']

export type RemainingKind = 'left' | 'today' | 'late'

export function remainingKind(n: number): RemainingKind {
  return n > 0 ? 'left' : n === 0 ? 'today' : 'late'
}

/** "剩余 3 个工作日" / "3 working days left", "今日到期" / "Due today", "已超期 2 个工作日" / "2 working days late". */
export function remainingLabel(n: number): string {
  const t = i18n.global.t
  if (n > 0) return t('clock.left', n)
  if (n === 0) return t('clock.dueToday')
  return t('clock.late', -n)
}

/** The procedure's name as the item lists it (its own words), else the kind's. A pause with
 * no procedure is a supplement a department asked of the applicant mid-approval (退回补正,
 * `kind: "supplement"`). */
export function procedureName(item: Schemas['CatalogItem'] | null | undefined, kind: ProcedureKind | null | undefined): string {
  if (!kind) return i18n.global.t('clock.supplement')
  const listed = item?.specialProcedures?.find((p) => p.kind === kind)
  return listed ? pick(listed.nameZh, listed.nameEn) : i18n.global.t(`clock.kind.${kind}`)
}

/** The procedures still running (those that stop the clock and those counted in it). */
export function openPauses(clock: ClockView | null | undefined): ClockPause[] {
  return (clock?.pauses ?? []).filter((p) => !p.endedAt)
}

/** The open procedures that hold the clock (§45: not counted in the limit). */
export function stoppingPauses(clock: ClockView | null | undefined): ClockPause[] {
  return openPauses(clock).filter((p) => p.stopsClock)
}
