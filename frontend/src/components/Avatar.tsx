import { colorFor, initials } from '../lib/avatar'
import { fileURL } from '../pb'

export function Avatar({
  user,
  size = 36,
}: {
  user: { id: string; name: string; avatar?: string; collectionId?: string } | undefined
  size?: number
}) {
  if (!user) return <span className="avatar avatar--blank" style={{ width: size, height: size }} aria-hidden="true" />
  const src = user.avatar ? fileURL(user.collectionId || '_pb_users_auth_', user.id, user.avatar, '100x100') : ''
  if (src) {
    return <img className="avatar" src={src} alt="" width={size} height={size} style={{ width: size, height: size }} />
  }
  return (
    <span
      className="avatar avatar--initials"
      aria-hidden="true"
      style={{ width: size, height: size, backgroundColor: colorFor(user.id), fontSize: Math.round(size * 0.4) }}
    >
      {initials(user.name)}
    </span>
  )
}
