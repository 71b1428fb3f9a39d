import { createApp } from 'vue'
import App from './App.vue'
import { loadConfig } from './config'
import { i18n, setLocale, currentLocale } from './i18n'
import { router } from './router'
import './styles.css'

async function start() {
  await loadConfig()
  setLocale(currentLocale())
  const app = createApp(App)
  app.use(i18n)
  app.use(router)
  app.mount('#app')
}

void start()
