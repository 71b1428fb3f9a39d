// Staff console routes, merged into the app's router (web/src/router.ts) under the layout.
// Route meta understood by the router's guard:
//   requiresAuth: true                 -> sign-in first
//   groups: ['dept-*', 'followup']     -> any of these Cognito groups ("dept-*": any department)
import type { RouteRecordRaw } from 'vue-router'

export const consoleRoutes: RouteRecordRaw[] = []
