/**
 * Routes of the citizen portal, merged with the staff console's (./console/routes.ts).
 *
 * Route meta:
 * - `requiresAuth: true`: signed-in users only (else to /signin?redirect=...)
 * - `groups: string[]`: any of these Cognito groups ("dept-*" matches any department group);
 *   others see the forbidden page
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { consoleRoutes } from './console/routes'
import { hasAnyGroup, isSignedIn } from './auth'

declare module 'vue-router' {
  interface RouteMeta {
    requiresAuth?: boolean
    groups?: string[]
    /** i18n key of the page title */
    title?: string
  }
}

export const portalRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/CatalogView.vue'), meta: { title: 'nav.catalog' } },
  { path: '/catalog', redirect: '/' },
  {
    path: '/catalog/:itemId',
    name: 'item',
    component: () => import('./views/ItemGuideView.vue'),
    props: true,
    meta: { title: 'guide.title' },
  },
  { path: '/bundles', name: 'bundles', component: () => import('./views/BundlesView.vue'), meta: { title: 'bundles.title' } },
  {
    path: '/bundles/:bundleId',
    name: 'bundle',
    component: () => import('./views/BundleScreeningView.vue'),
    props: true,
    meta: { title: 'bundles.screeningTitle' },
  },
  {
    path: '/apply/:itemId',
    name: 'apply',
    component: () => import('./views/ApplyView.vue'),
    props: (r) => ({ itemId: r.params.itemId, draftId: r.query.draft ?? null }),
    meta: { requiresAuth: true, title: 'apply.title' },
  },
  {
    path: '/cases',
    name: 'cases',
    component: () => import('./views/MyCasesView.vue'),
    meta: { requiresAuth: true, title: 'nav.cases' },
  },
  {
    // 确认代办申请: the applicant confirms a service agent's filing with the texted code (the
    // text message says to sign in and confirm; a link may carry the case number).
    path: '/confirm/:applicationId?',
    name: 'confirm-filing',
    component: () => import('./views/ConfirmFilingView.vue'),
    props: (r) => ({ applicationId: typeof r.params.applicationId === 'string' ? r.params.applicationId : null }),
    meta: { requiresAuth: true, title: 'confirmFiling.title' },
  },
  {
    path: '/cases/:applicationId',
    name: 'case',
    component: () => import('./views/CaseView.vue'),
    props: true,
    meta: { requiresAuth: true, title: 'case.title' },
  },
  {
    path: '/cases/:applicationId/audit',
    name: 'case-audit',
    component: () => import('./views/CaseAuditView.vue'),
    props: true,
    meta: { requiresAuth: true, title: 'audit.title' },
  },
  {
    // 重点项目: the projects the account's cases are in, and one project's roadmap and cases.
    path: '/projects',
    name: 'projects',
    component: () => import('./views/ProjectsView.vue'),
    meta: { requiresAuth: true, title: 'projects.title' },
  },
  {
    path: '/projects/:projectId',
    name: 'project',
    component: () => import('./views/ProjectPage.vue'),
    props: true,
    meta: { requiresAuth: true, title: 'projects.title' },
  },
  {
    path: '/verify/:certificateNo',
    name: 'verify',
    component: () => import('./views/VerifyView.vue'),
    props: (r) => ({ certificateNo: r.params.certificateNo, code: r.query.code ?? '' }),
    meta: { title: 'verify.title' },
  },
  { path: '/stats', name: 'stats', component: () => import('./views/StatsView.vue'), meta: { title: 'stats.title' } },
  { path: '/signin', name: 'signin', component: () => import('./views/SignInView.vue'), meta: { title: 'auth.signIn' } },
  { path: '/signup', name: 'signup', component: () => import('./views/SignUpView.vue'), meta: { title: 'auth.signUp' } },
  { path: '/forbidden', name: 'forbidden', component: () => import('./views/ForbiddenView.vue'), meta: { title: 'errors.forbidden' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...portalRoutes,
    ...consoleRoutes,
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'errors.notFound' } },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const needsAuth = to.matched.some((r) => r.meta.requiresAuth || r.meta.groups)
  if (needsAuth && !isSignedIn()) return { name: 'signin', query: { redirect: to.fullPath } }
  const groups = to.matched.flatMap((r) => r.meta.groups ?? [])
  if (groups.length && !hasAnyGroup(groups)) return { name: 'forbidden' }
  return true
})
