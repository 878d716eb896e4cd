import { createRoot } from 'react-dom/client'
import 'trix'
import './styles.css'
import { App } from './App'

// The account's custom CSS comes last so it can override ours.
const link = document.createElement('link')
link.rel = 'stylesheet'
link.href = '/api/campfire/account/styles.css'
link.dataset.testid = 'custom-styles'
document.head.appendChild(link)

createRoot(document.getElementById('root')!).render(<App />)
