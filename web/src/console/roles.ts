// The staff roles of the signed-in user, from the ID token's `cognito:groups` (see ../auth.ts):
// department officers `dept-<CODE>`, the follow-up team `followup`, operations `ops`.
// Each role has one landing view; the console's home sends a user to the first of theirs.
import { computed } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { departments, hasGroup, session } from '../auth'

export const GROUP_FOLLOWUP = 'followup'
export const GROUP_OPS = 'ops'
export const DEPARTMENT_GROUPS = 'dept-*'

export interface StaffRoles {
  departments: string[]
  followup: boolean
  ops: boolean
}

export function staffRoles(): StaffRoles {
  return { departments: departments(), followup: hasGroup(GROUP_FOLLOWUP), ops: hasGroup(GROUP_OPS) }
}

/** Reactive: re-evaluated when the session changes (sign-in, refresh, sign-out). */
export const roles = computed<StaffRoles>(() => {
  void session.value
  return staffRoles()
})

/** The landing view of the user's first role, or null for someone with no staff group. */
export function homeOf(r: StaffRoles): RouteLocationRaw | null {
  if (r.departments.length) return { name: 'console-inbox' }
  if (r.followup) return { name: 'console-followup' }
  if (r.ops) return { name: 'console-ops' }
  return null
}
