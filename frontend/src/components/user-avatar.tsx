import { Avatar } from 'antd';

/** The profile picture, or the name's first letter (a Korean name's family name). */
export function UserAvatar({ name, url, size = 'default' }: { name: string; url?: string | null; size?: 'small' | 'default' | 'large' | number }) {
  if (url) return <Avatar src={url} alt={name} size={size} />;
  return (
    <Avatar size={size} style={{ backgroundColor: '#1677ff' }}>
      {name.slice(0, 1)}
    </Avatar>
  );
}
