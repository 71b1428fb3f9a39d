// Staff console routes, merged into the app's router (web/src/router.ts) under the layout.
// Route meta understood by the router's guard:
//   requiresAuth: true                 -> sign-in first
//   groups: ['dept-*', 'followup']     -> any of these Cognito groups ("dept-*": any department)
// Components are lazy-loaded: the citizen's first page ships none of the console.
import type { NavigationGuard, RouteRecordRaw } from 'vue-router'
import { hasAnyGroup, isSignedIn, STAFF_GROUPS } from '../auth'
import {
  DEPARTMENT_GROUPS,
  GROUP_AGENT,
  GROUP_FOLLOWUP,
  GROUP_OPS,
  GROUP_SUPERVISOR,
  GROUP_WINDOW,
  homeOf,
  staffRoles,
  watchesDeadlines,
} from './roles'

/** The router's guard lets a route in on ANY group named along its matched records, so a
 * view narrower than the console (the inbox is officers' only) checks its own groups. */
function only(groups: string[]): NavigationGuard {
  return () => (hasAnyGroup(groups) ? true : { name: 'forbidden' })
}

export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: '/console',
    component: () => import('./ConsoleLayout.vue'),
    // Stewards (agent) are console users too: key projects are their only view.
    meta: { requiresAuth: true, groups: [...STAFF_GROUPS, GROUP_AGENT], title: 'console.title' },
    children: [
      {
        path: '',
        name: 'console',
        // Each role's landing view (redirects resolve before the guard: sign-in first).
        redirect: () =>
          isSignedIn()
            ? (homeOf(staffRoles()) ?? { name: 'forbidden' })
            : { name: 'signin', query: { redirect: '/console' } },
      },
      {
        path: 'inbox',
        name: 'console-inbox',
        component: () => import('./views/InboxView.vue'),
        props: (r) => ({
          department: typeof r.query.department === 'string' ? r.query.department : null,
        }),
        beforeEnter: only([DEPARTMENT_GROUPS]),
        meta: { title: 'console.inbox.title' },
      },
      {
        path: 'tasks/:taskId',
        name: 'console-task',
        component: () => import('./views/TaskPage.vue'),
        props: true,
        beforeEnter: only([DEPARTMENT_GROUPS]),
        meta: { title: 'console.task.title' },
      },
      {
        // 同类事项合并审批: the department's one task across a bundle filing's members.
        path: 'bundle-tasks/:bundleCaseId',
        name: 'console-bundle-task',
        component: () => import('./views/BundleTaskView.vue'),
        props: (r) => ({
          bundleCaseId: String(r.params.bundleCaseId),
          department: typeof r.query.department === 'string' ? r.query.department : null,
        }),
        beforeEnter: only([DEPARTMENT_GROUPS]),
        meta: { title: 'console.bundleTask.title' },
      },
      {
        path: 'delegation',
        name: 'console-delegation',
        component: () => import('./views/DelegationView.vue'),
        beforeEnter: only([DEPARTMENT_GROUPS]),
        meta: { title: 'console.delegation.title' },
      },
      {
        // 免证办: the issuing department looks its certificates up and revokes them (the API
        // answers another department's 403).
        path: 'certificates',
        name: 'console-certificates',
        component: () => import('./views/CertificatesView.vue'),
        props: (r) => ({ no: typeof r.query.no === 'string' ? r.query.no : null }),
        beforeEnter: only([DEPARTMENT_GROUPS]),
        meta: { title: 'console.certificates.title' },
      },
      {
        path: 'window',
        name: 'console-window',
        component: () => import('./views/WindowQueueView.vue'),
        beforeEnter: only([GROUP_WINDOW]),
        meta: { title: 'console.window.title' },
      },
      {
        // 窗口办: a clerk files for a walk-in applicant (a static segment: ranked before :taskId).
        path: 'window/file',
        name: 'console-window-file',
        component: () => import('./views/WalkInFilingView.vue'),
        props: (r) => ({
          itemId: typeof r.query.item === 'string' ? r.query.item : null,
          draftId: typeof r.query.draft === 'string' ? r.query.draft : null,
          filedId: typeof r.query.filed === 'string' ? r.query.filed : null,
        }),
        beforeEnter: only([GROUP_WINDOW]),
        meta: { title: 'console.walkIn.title' },
      },
      {
        path: 'window/:taskId',
        name: 'console-window-case',
        component: () => import('./views/WindowCasePage.vue'),
        props: true,
        beforeEnter: only([GROUP_WINDOW]),
        meta: { title: 'console.windowCase.title' },
      },
      {
        path: 'supervision',
        name: 'console-supervision',
        component: () => import('./views/SupervisionView.vue'),
        props: (r) => ({
          department: typeof r.query.department === 'string' ? r.query.department : null,
        }),
        // Supervisors, and the leads of a department (lead-<CODE> with dept-<CODE>).
        beforeEnter: () => (watchesDeadlines(staffRoles()) ? true : { name: 'forbidden' }),
        meta: { title: 'console.supervision.title' },
      },
      {
        path: 'audit',
        name: 'console-audit',
        component: () => import('./views/AuditView.vue'),
        props: (r) => ({
          actor: typeof r.query.actor === 'string' ? r.query.actor : '',
          since: typeof r.query.since === 'string' ? r.query.since : '',
          until: typeof r.query.until === 'string' ? r.query.until : '',
        }),
        // The centre's supervisors and ops (the API answers others 403).
        beforeEnter: only([GROUP_SUPERVISOR, GROUP_OPS]),
        meta: { title: 'console.audit.title' },
      },
      {
        path: 'cases/:applicationId/audit',
        name: 'console-case-audit',
        component: () => import('./views/CaseAuditPage.vue'),
        props: (r) => ({
          applicationId: String(r.params.applicationId),
          task: typeof r.query.task === 'string' ? r.query.task : null,
          window: typeof r.query.window === 'string' ? r.query.window : null,
        }),
        // The case's parties among staff: its reviewing departments, a window clerk who had it,
        // supervisors, ops, the steward of its key project (the API answers anyone else 404).
        beforeEnter: only([DEPARTMENT_GROUPS, GROUP_WINDOW, GROUP_SUPERVISOR, GROUP_OPS, GROUP_AGENT]),
        meta: { title: 'console.audit.caseHeading' },
      },
      {
        // 帮办代办 / 云帮办: a service agent's filings for applicants, filing one, one filing.
        path: 'agent',
        name: 'console-agent',
        component: () => import('./views/AgentFilingsView.vue'),
        beforeEnter: only([GROUP_AGENT]),
        meta: { title: 'console.agent.title' },
      },
      {
        // (a static segment: ranked before :applicationId)
        path: 'agent/file',
        name: 'console-agent-file',
        component: () => import('./views/AgentFileView.vue'),
        props: (r) => ({
          itemId: typeof r.query.item === 'string' ? r.query.item : null,
          draftId: typeof r.query.draft === 'string' ? r.query.draft : null,
        }),
        beforeEnter: only([GROUP_AGENT]),
        meta: { title: 'console.agent.file.title' },
      },
      {
        path: 'agent/:applicationId',
        name: 'console-agent-filing',
        component: () => import('./views/AgentFilingPage.vue'),
        props: (r) => ({ applicationId: String(r.params.applicationId), saved: r.query.saved === '1' }),
        beforeEnter: only([GROUP_AGENT]),
        meta: { title: 'console.agent.filing.title' },
      },
      {
        // 重点项目: a steward's projects (the centre's: all), registering one, one project.
        path: 'projects',
        name: 'console-projects',
        component: () => import('./views/ProjectsView.vue'),
        beforeEnter: only([GROUP_AGENT, GROUP_SUPERVISOR, GROUP_OPS]),
        meta: { title: 'projects.consoleTitle' },
      },
      {
        path: 'projects/new',
        name: 'console-project-new',
        component: () => import('./views/ProjectNewView.vue'),
        beforeEnter: only([GROUP_AGENT, GROUP_SUPERVISOR, GROUP_OPS]),
        meta: { title: 'projects.form.title' },
      },
      {
        path: 'projects/:projectId',
        name: 'console-project',
        component: () => import('./views/ProjectPage.vue'),
        props: true,
        beforeEnter: only([GROUP_AGENT, GROUP_SUPERVISOR, GROUP_OPS]),
        meta: { title: 'projects.consoleTitle' },
      },
      {
        path: 'followup',
        name: 'console-followup',
        component: () => import('./views/RoleLandingView.vue'),
        props: { role: 'followup' },
        beforeEnter: only([GROUP_FOLLOWUP]),
        meta: { title: 'console.landing.followup.title' },
      },
      {
        path: 'ops',
        name: 'console-ops',
        component: () => import('./views/RoleLandingView.vue'),
        props: { role: 'ops' },
        beforeEnter: only([GROUP_OPS]),
        meta: { title: 'console.landing.ops.title' },
      },
    ],
  },
]
