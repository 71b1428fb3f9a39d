// Vite build of the OneWindow web app (citizen portal + staff console).
//
// Element Plus is imported on demand: unplugin-vue-components resolves <el-*> tags in
// templates to their component module and its CSS, so the first page ships only what it uses.
//
// Dev server (`npm run dev`): /api is proxied to the local API gateway (make run, :3000) with
// the prefix stripped, the way CloudFront and the local static server do, and /config.json is
// built from ../.local/outputs.json (written by make run) when public/config.json is absent.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { defineConfig, type Plugin } from 'vite'

const OUTPUTS = fileURLToPath(new URL('../.local/outputs.json', import.meta.url))
const API_TARGET = process.env.ONEWINDOW_API ?? 'http://127.0.0.1:3000'

function devConfig(): Plugin {
  return {
    name: 'onewindow-dev-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res, next) => {
        if (existsSync(fileURLToPath(new URL('./public/config.json', import.meta.url)))) return next()
        if (!existsSync(OUTPUTS)) {
          res.statusCode = 503
          res.end(JSON.stringify({ message: 'start the system first: make run' }))
          return
        }
        const outputs = JSON.parse(readFileSync(OUTPUTS, 'utf8')).OneWindow ?? {}
        res.setHeader('Content-Type', 'application/json')
        res.end(
          JSON.stringify({
            apiBase: '/api',
            region: outputs.Region ?? 'us-east-1',
            userPoolId: outputs.UserPoolId,
            userPoolClientId: outputs.UserPoolClientId,
            cognitoEndpoint: outputs.AwsEndpointUrl ?? null,
          }),
        )
      })
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    Components({
      dts: 'src/components.d.ts',
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
    devConfig(),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: true, rewrite: (p) => p.replace(/^\/api/, '') },
    },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 700 },
})
