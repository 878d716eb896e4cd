// Hand-drawn 20×20 line icons.
import type { SVGProps } from 'react'

function Svg(props: SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 20 20"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    />
  )
}

type P = SVGProps<SVGSVGElement>

export const IconPlus = (p: P) => (
  <Svg {...p}>
    <path d="M10 4v12M4 10h12" />
  </Svg>
)
export const IconSearch = (p: P) => (
  <Svg {...p}>
    <circle cx="8.5" cy="8.5" r="5" />
    <path d="M12.2 12.2 16.5 16.5" />
  </Svg>
)
export const IconCopy = (p: P) => (
  <Svg {...p}>
    <rect x="7" y="7" width="9" height="9" rx="1.5" />
    <path d="M13 7V5.5A1.5 1.5 0 0 0 11.5 4h-6A1.5 1.5 0 0 0 4 5.5v6A1.5 1.5 0 0 0 5.5 13H7" />
  </Svg>
)
export const IconMenu = (p: P) => (
  <Svg {...p}>
    <path d="M3.5 6h13M3.5 10h13M3.5 14h13" />
  </Svg>
)
export const IconClose = (p: P) => (
  <Svg {...p}>
    <path d="M5 5l10 10M15 5 5 15" />
  </Svg>
)
export const IconHash = (p: P) => (
  <Svg {...p}>
    <path d="M8 3.5 6.5 16.5M13.5 3.5 12 16.5M4 7.5h12.5M3.5 12.5H16" />
  </Svg>
)
export const IconLock = (p: P) => (
  <Svg {...p}>
    <rect x="4.5" y="9" width="11" height="8" rx="1.5" />
    <path d="M7 9V6.5a3 3 0 0 1 6 0V9" />
  </Svg>
)
export const IconPerson = (p: P) => (
  <Svg {...p}>
    <circle cx="10" cy="7" r="3" />
    <path d="M4 17c.6-3.2 3-5 6-5s5.4 1.8 6 5" />
  </Svg>
)
export const IconChat = (p: P) => (
  <Svg {...p}>
    <path d="M4 5.5A1.5 1.5 0 0 1 5.5 4h9A1.5 1.5 0 0 1 16 5.5v6a1.5 1.5 0 0 1-1.5 1.5H9l-3.5 3v-3h0A1.5 1.5 0 0 1 4 11.5z" />
  </Svg>
)
export const IconBell = (p: P) => (
  <Svg {...p}>
    <path d="M5.5 13.5V9a4.5 4.5 0 0 1 9 0v4.5l1.2 1.5H4.3z" />
    <path d="M8.5 17a1.6 1.6 0 0 0 3 0" />
  </Svg>
)
export const IconBellAt = (p: P) => (
  <Svg {...p}>
    <path d="M5.5 13.5V9a4.5 4.5 0 0 1 9 0v4.5l1.2 1.5H4.3z" />
    <circle cx="10" cy="9.5" r="1.4" />
    <path d="M11.4 9.5v.8a.9.9 0 0 0 1.8 0V9.5a3.2 3.2 0 1 0-1.3 2.6" />
  </Svg>
)
export const IconBellOff = (p: P) => (
  <Svg {...p}>
    <path d="M5.5 13.5V9a4.5 4.5 0 0 1 9 0v4.5l1.2 1.5H4.3z" />
    <path d="M3.5 3.5l13 13" />
  </Svg>
)
export const IconEyeOff = (p: P) => (
  <Svg {...p}>
    <path d="M2.5 10s2.8-5 7.5-5 7.5 5 7.5 5-2.8 5-7.5 5-7.5-5-7.5-5z" />
    <circle cx="10" cy="10" r="2.2" />
    <path d="M3.5 3.5l13 13" />
  </Svg>
)
export const IconGear = (p: P) => (
  <Svg {...p}>
    <circle cx="10" cy="10" r="2.5" />
    <path d="M10 2.8v2M10 15.2v2M2.8 10h2M15.2 10h2M4.9 4.9l1.4 1.4M13.7 13.7l1.4 1.4M4.9 15.1l1.4-1.4M13.7 6.3l1.4-1.4" />
  </Svg>
)
export const IconPencil = (p: P) => (
  <Svg {...p}>
    <path d="M4 16l.8-3.2L13 4.6a1.5 1.5 0 0 1 2.1 0l.3.3a1.5 1.5 0 0 1 0 2.1L7.2 15.2z" />
    <path d="M11.8 5.8l2.4 2.4" />
  </Svg>
)
export const IconTrash = (p: P) => (
  <Svg {...p}>
    <path d="M4 6h12M8 6V4.5h4V6M5.5 6l.8 10h7.4l.8-10" />
  </Svg>
)
export const IconSmile = (p: P) => (
  <Svg {...p}>
    <circle cx="10" cy="10" r="6.5" />
    <path d="M7.3 11.8c.7.9 1.6 1.4 2.7 1.4s2-.5 2.7-1.4" />
    <path d="M7.8 8.2v.1M12.2 8.2v.1" />
  </Svg>
)
export const IconLink = (p: P) => (
  <Svg {...p}>
    <path d="M8.5 11.5a3 3 0 0 0 4.2 0l2.3-2.3a3 3 0 0 0-4.2-4.2l-.9.9" />
    <path d="M11.5 8.5a3 3 0 0 0-4.2 0L5 10.8A3 3 0 0 0 9.2 15l.9-.9" />
  </Svg>
)
export const IconPlay = (p: P) => (
  <Svg {...p}>
    <path d="M7 5l8 5-8 5z" fill="currentColor" />
  </Svg>
)
export const IconSend = (p: P) => (
  <Svg {...p}>
    <path d="M3.5 10 16.5 4l-4 12.5-2.8-5.2z" />
    <path d="M9.7 11.3 16.5 4" />
  </Svg>
)
export const IconArrowDown = (p: P) => (
  <Svg {...p}>
    <path d="M10 4v12M5 11l5 5 5-5" />
  </Svg>
)
export const IconBold = (p: P) => (
  <Svg {...p}>
    <path d="M6 4h5a3 3 0 0 1 0 6H6zM6 10h6a3 3 0 0 1 0 6H6z" strokeWidth="2" />
  </Svg>
)
export const IconItalic = (p: P) => (
  <Svg {...p}>
    <path d="M9 4h6M5 16h6M12 4l-4 12" />
  </Svg>
)
export const IconStrike = (p: P) => (
  <Svg {...p}>
    <path d="M3.5 10h13" />
    <path d="M13.5 6.3C13 5 11.7 4.2 10 4.2c-2 0-3.5 1.1-3.5 2.7 0 1 .6 1.7 1.6 2.2M7 13.8c.5 1.3 1.8 2 3.2 2 2 0 3.6-1.1 3.6-2.7 0-.4-.1-.8-.3-1.1" />
  </Svg>
)
export const IconHeading = (p: P) => (
  <Svg {...p}>
    <path d="M5 4v12M14 4v12M5 10h9" strokeWidth="1.9" />
  </Svg>
)
export const IconQuote = (p: P) => (
  <Svg {...p}>
    <path d="M4 9.5h4v5H4zM4 9.5C4 7 5 5.5 7.5 5M11.5 9.5h4v5h-4zM11.5 9.5c0-2.5 1-4 3.5-4.5" />
  </Svg>
)
export const IconCode = (p: P) => (
  <Svg {...p}>
    <path d="M7 6 3 10l4 4M13 6l4 4-4 4" />
  </Svg>
)
export const IconBullets = (p: P) => (
  <Svg {...p}>
    <path d="M8 5.5h9M8 10h9M8 14.5h9" />
    <circle cx="4" cy="5.5" r=".9" fill="currentColor" />
    <circle cx="4" cy="10" r=".9" fill="currentColor" />
    <circle cx="4" cy="14.5" r=".9" fill="currentColor" />
  </Svg>
)
export const IconNumbers = (p: P) => (
  <Svg {...p}>
    <path d="M8 5.5h9M8 10h9M8 14.5h9" />
    <path d="M3 4.3l1.2-.8v4M2.8 12.3c.3-.6.8-.8 1.3-.8.6 0 1 .4 1 .9 0 .9-2.3 1.6-2.3 3h2.4" strokeWidth="1.2" />
  </Svg>
)
export const IconUndo = (p: P) => (
  <Svg {...p}>
    <path d="M7 5 3.5 8.5 7 12" />
    <path d="M3.5 8.5H12a4.5 4.5 0 0 1 0 9h-2" />
  </Svg>
)
export const IconLogout = (p: P) => (
  <Svg {...p}>
    <path d="M8 4H5.5A1.5 1.5 0 0 0 4 5.5v9A1.5 1.5 0 0 0 5.5 16H8" />
    <path d="M12 6.5 15.5 10 12 13.5M15.5 10H8" />
  </Svg>
)
export const IconUsers = (p: P) => (
  <Svg {...p}>
    <circle cx="7.5" cy="7.5" r="2.5" />
    <path d="M2.8 16c.5-2.6 2.3-4 4.7-4s4.2 1.4 4.7 4" />
    <circle cx="13.5" cy="6.5" r="2" />
    <path d="M13.5 10.5c1.9 0 3.3 1.1 3.7 3.3" />
  </Svg>
)
export const IconRetry = (p: P) => (
  <Svg {...p}>
    <path d="M15.5 9.5a5.5 5.5 0 1 1-1.7-4" />
    <path d="M14.5 2.5v3.5H11" />
  </Svg>
)
export const IconPaperclip = (p: P) => (
  <Svg {...p}>
    <path d="M15.5 9.5 9.8 15.2a3.6 3.6 0 0 1-5.1-5.1l6-6a2.4 2.4 0 0 1 3.4 3.4l-6 6a1.2 1.2 0 0 1-1.7-1.7l5.6-5.6" />
  </Svg>
)
