// The staff roles of the signed-in user, from the ID token's `cognito:groups` (see ../auth.ts):
// department officers `dept-<CODE>`, a department's leads `lead-<CODE>` (also its officers),
// the centre's supervisors `supervisor`, its window clerks `window` (前台受理), the follow-up
// team `followup`, operations `ops`.
// Each role has one landing view; the console's home sends a user to the first of theirs.
import { computed } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { departments, hasGroup, ledDepartments, session } from '../auth'

/** A service agent (审批管家): the steward of key projects. */
export const GROUP_AGENT = 'agent'
export const GROUP_FOLLOWUP = 'followup'
export const GROUP_OPS = 'ops'
export const GROUP_SUPERVISOR = 'supervisor'
export const GROUP_WINDOW = 'window'
export const DEPARTMENT_GROUPS = 'dept-*'

export interface StaffRoles {
  departments: string[]
  /** The departments the user leads (`lead-<CODE>` with `dept-<CODE>`, as the API asks). */
  leads: string[]
  supervisor: boolean
  /** A window clerk: works the window queue (前台受理). */
  window: boolean
  followup: boolean
  ops: boolean
  /** A steward of key projects (审批管家). */
  agent: boolean
}

export function staffRoles(): StaffRoles {
  return {
    departments: departments(),
    leads: ledDepartments(),
    supervisor: hasGroup(GROUP_SUPERVISOR),
    window: hasGroup(GROUP_WINDOW),
    followup: hasGroup(GROUP_FOLLOWUP),
    ops: hasGroup(GROUP_OPS),
    agent: hasGroup(GROUP_AGENT),
  }
}

/** Whether the user watches late tasks (电子监察): a supervisor, or a lead of a department. */
export function watchesDeadlines(r: StaffRoles): boolean {
  return r.supervisor || r.leads.length > 0
}

/** Reactive: re-evaluated when the session changes (sign-in, refresh, sign-out). */
export const roles = computed<StaffRoles>(() => {
  void session.value
  return staffRoles()
})

/** The landing view of the user's first role, or null for someone with no staff group. */
export function homeOf(r: StaffRoles): RouteLocationRaw | null {
  if (r.departments.length) return { name: 'console-inbox' }
  if (r.window) return { name: 'console-window' }
  if (watchesDeadlines(r)) return { name: 'console-supervision' }
  if (r.followup) return { name: 'console-followup' }
  if (r.ops) return { name: 'console-ops' }
  if (r.agent) return { name: 'console-projects' }
  return null
}

/** Whether the user serves key projects: a steward, or the centre (supervisors, ops). */
export function servesProjects(r: StaffRoles): boolean {
  return r.agent || r.supervisor || r.ops
}
