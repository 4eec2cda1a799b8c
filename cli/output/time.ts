// Times for people: "2026-12-08 17:00 UTC" and "in 6 days" / "3 hours ago". JSON output keeps
// the API's RFC 3339 strings untouched.

export function formatTime(iso: string | null | undefined, never = 'never'): string {
  if (!iso) return never;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function relativeTime(iso: string, now: Date = new Date()): string {
  const ms = new Date(iso).getTime() - now.getTime();
  const abs = Math.abs(ms);
  const units: Array<[string, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  let text = 'less than a minute';
  for (const [unit, size] of units) {
    if (abs >= size) {
      const count = Math.floor(abs / size);
      text = `${count} ${unit}${count === 1 ? '' : 's'}`;
      break;
    }
  }
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export function timeWithRelative(iso: string | null | undefined, never = 'never', now: Date = new Date()): string {
  if (!iso) return never;
  return `${formatTime(iso)} (${relativeTime(iso, now)})`;
}
