import { createRoot } from 'react-dom/client'
import 'trix'
import './styles.css'
import { App } from './App'
import { simulateNetworkDrop } from './store/live'
import { registerServiceWorker } from './lib/push'

// The account's custom CSS comes last so it can override ours.
const link = document.createElement('link')
link.rel = 'stylesheet'
link.href = '/api/campfire/account/styles.css'
link.dataset.testid = 'custom-styles'
document.head.appendChild(link)

Object.defineProperty(window, 'campfireSimulateNetworkDrop', { value: simulateNetworkDrop })

createRoot(document.getElementById('root')!).render(<App />)
registerServiceWorker()
