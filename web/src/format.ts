const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> element: readable text for people, the exact RFC 3339 instant for machines. */
export function timeElement(iso: string | null, whenNull = 'Never'): HTMLElement {
  if (iso === null) {
    const span = document.createElement('span');
    span.textContent = whenNull;
    return span;
  }
  const time = document.createElement('time');
  time.dateTime = iso;
  const date = new Date(iso);
  time.textContent = Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
  time.title = iso;
  return time;
}

export function formatDays(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

export function formatDate(date: Date): string {
  return dateTime.format(date);
}
