import 'react'

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'trix-editor': React.DetailedHTMLProps<React.HTMLAttributes<HTMLElement>, HTMLElement> & {
        toolbar?: string
        input?: string
        placeholder?: string
      }
    }
  }
}
